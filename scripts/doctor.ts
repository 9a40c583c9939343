/**
 * npm run doctor -- [--json] [--warn-days 30] [--probe-secret] [--nocobase] [--concurrency N] <outputs.json...>
 * Live check of Microsoft Entra registrations against their stacks' outputs. See DOCTOR_USAGE.
 */
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "../src/operations/command-line";
import { checkEnvironments } from "../src/operations/doctor/check-environments";
import { DOCTOR_USAGE, parseDoctorArguments, type DoctorArguments } from "../src/operations/doctor/doctor-arguments";
import { exitCodeFor } from "../src/operations/doctor/findings";
import { renderJson, renderTable } from "../src/operations/doctor/report-rendering";
import { checkNocobase } from "../src/operations/doctor/nocobase-checks";
import { probeSecret } from "../src/operations/doctor/secret-probe";
import { API_TOKEN_ENV } from "../src/nocobase/variables-provider";
import { createDefaultCredential, signInTo } from "../src/microsoft/credentials";
import { resolveMicrosoftEndpoints, type MicrosoftEndpoints } from "../src/microsoft/endpoints";
import { GraphClient } from "../src/microsoft/graph-client";
import { redactForeignText } from "../src/redaction";
import { readStackOutputsText, type StackOutputsText } from "../src/operations/stack-outputs";
import { readStackOutputsOfStack } from "../src/operations/stack-outputs-in-memory";

function readDocuments(args: DoctorArguments): Promise<StackOutputsText[]> {
    if (args.stacks.length > 0) {
        return Promise.all(args.stacks.map((stack) => readStackOutputsOfStack(stack, args.projectDir)));
    }
    const files = args.files.length === 0 ? [undefined] : args.files;
    return Promise.all(files.map((file) => readStackOutputsText(file, "npm run doctor")));
}

/** Every clientSecret value in the inputs, to redact from whatever we print. */
function secretsIn(documents: readonly StackOutputsText[]): string[] {
    return documents.flatMap((doc) => {
        const found: string[] = [];
        JSON.parse(doc.json, (key, value: unknown) => {
            if (key === "clientSecret" && typeof value === "string") found.push(value);
            return value;
        });
        return found;
    });
}

async function main(): Promise<number> {
    let args: DoctorArguments;
    let documents: StackOutputsText[];
    let endpoints: MicrosoftEndpoints;
    try {
        args = parseDoctorArguments(process.argv.slice(2));
        if (args.help) {
            process.stdout.write(DOCTOR_USAGE);
            return EXIT_OK;
        }
        endpoints = resolveMicrosoftEndpoints();
        if (args.nocobase && !process.env[API_TOKEN_ENV]?.trim()) {
            throw new Error(`--nocobase needs the NocoBase API key in ${API_TOKEN_ENV}.`);
        }
        documents = await readDocuments(args);
    } catch (err) {
        process.stderr.write(`doctor: ${(err as Error).message}\n\n${DOCTOR_USAGE}`);
        return EXIT_USAGE;
    }
    // The doctor's own secret, if it signs in with one, is guarded like the stacks' secrets.
    let secrets: string[] = [process.env.AZURE_CLIENT_SECRET ?? ""];
    try {
        secrets = [...secrets, ...secretsIn(documents)];
    } catch {
        // Unparsable input is reported per environment below, without quoting it.
    }
    const nocobaseApiToken = process.env[API_TOKEN_ENV]?.trim() ?? "";
    const credential = createDefaultCredential(endpoints);
    const timeoutMs = args.timeoutSeconds * 1000;
    const clients = new Map<string, GraphClient>();
    const reports = await checkEnvironments(documents, args, {
        signIn: (tenantId) => signInTo(credential, endpoints, tenantId, timeoutMs),
        graphFor(tenantId) {
            let client = clients.get(tenantId);
            if (!client) {
                client = new GraphClient({ credential, endpoints, tenantId, timeoutMs });
                clients.set(tenantId, client);
            }
            return client;
        },
        probe: (expected) => probeSecret(expected, endpoints, timeoutMs),
        nocobase: (expected) => checkNocobase(expected, nocobaseApiToken, { now: new Date(), warnDays: args.warnDays, timeoutMs }),
        now: () => new Date(),
    });
    const rendered = args.json ? renderJson(reports, new Date()) : renderTable(reports, process.stdout.columns || 100);
    process.stdout.write(redactForeignText(rendered, { secrets: nocobaseApiToken === "" ? secrets : [...secrets, nocobaseApiToken], maxLength: Number.POSITIVE_INFINITY }));
    return exitCodeFor(reports);
}

main().then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`doctor: unexpected failure: ${redactForeignText((err as Error).message)}\n`);
    process.exitCode = EXIT_FAILED;
});
