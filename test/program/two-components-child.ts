// Declares two NocobaseMail components in one stack under recording mocks, in its own process, and prints
// what was registered and how each component's outputs settled, as JSON. The refusal rejects outside the
// program's top level, as under `pulumi up`; in a child those rejections stay away from the test runner.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../../src/configuration/config-keys";
import { NocobaseMail } from "../../src/nocobase-mail/nocobase-mail";
import { noteOptionsOnRegistration, waitForRegistrations } from "../../src/operations/plan/sdk-fence/sdk-internals";
import { RecordingMocks } from "../../src/operations/plan/recording-mocks";

const names = JSON.parse(process.argv[2] ?? "[]") as string[];
process.on("unhandledRejection", () => undefined);

async function main(): Promise<void> {
    const mocks = new RecordingMocks();
    await pulumi.runtime.setMocks(mocks, CONFIG_NAMESPACE, "customers", false, "organization");
    noteOptionsOnRegistration(mocks);
    const components = names.map((name, i) => new NocobaseMail(name, { nocobaseUrl: `https://crm${i}.example.com` }));
    const settled = await Promise.all(components.map((c) => new Promise<string>((resolve) => {
        const promised = (c.clientId as unknown as { promise(): Promise<string> }).promise();
        promised.then(() => resolve("ok"), (err: unknown) => {
            const message = err instanceof Error ? err.message : String(err);
            resolve(`${pulumi.RunError.isInstance(err) ? "RunError" : "Error"}: ${message}`);
        });
    })));
    await waitForRegistrations().catch(() => undefined);
    process.stdout.write(JSON.stringify({ settled, registrations: mocks.registrations.map((r) => `${r.type} ${r.name}`) }));
}

void main();
