// The component as other languages reach it: Pulumi's ComponentProvider over this package, its schema,
// and construct under recording mocks.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NocobaseEntraMailProvider } from "../../src/provider/nocobase-entra-mail-provider";
import { noteOptionsOnRegistration, waitForRegistrations } from "../../src/operations/plan/sdk-fence/sdk-internals";
import { InvokeRecord, RecordingMocks, Registration } from "../../src/operations/plan/recording-mocks";
import { CONFIG_NAMESPACE } from "../../src/configuration/config-keys";
import { setRotationInstant } from "../../src/nocobase-mail/rotation-clock";

export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");
export const NOCOBASE_MAIL_TOKEN = "nocobase-entra-mail:index:NocobaseMail";

let provider: NocobaseEntraMailProvider | undefined;

/**
 * The package's provider plugin (bin/pulumi-resource-nocobase-entra-mail serves it), without its gRPC server.
 * One per test process: it analyses the TypeScript sources once, which takes seconds.
 */
function componentProvider(): NocobaseEntraMailProvider {
    provider ??= new NocobaseEntraMailProvider();
    return provider;
}

export interface SchemaProperty {
    readonly type?: string;
    readonly items?: SchemaProperty;
    readonly description?: string;
    readonly plain?: boolean;
    readonly secret?: boolean;
}

export interface ResourceSchema {
    readonly isComponent?: boolean;
    readonly inputProperties: Readonly<Record<string, SchemaProperty>>;
    readonly requiredInputs?: readonly string[];
    readonly properties: Readonly<Record<string, SchemaProperty>>;
    readonly required?: readonly string[];
    readonly aliases?: readonly { readonly type?: string }[];
}

interface PackageSchema {
    readonly name: string;
    readonly resources: Readonly<Record<string, ResourceSchema>>;
    readonly config?: { readonly variables: Readonly<Record<string, SchemaProperty>> };
    readonly provider?: { readonly inputProperties: Readonly<Record<string, SchemaProperty>> };
}

/** The schema Pulumi's CLI would receive from the plugin. */
export async function packageSchema(): Promise<PackageSchema> {
    return JSON.parse(await componentProvider().getSchema()) as PackageSchema;
}

export interface ConstructRun {
    readonly registrations: readonly Registration[];
    readonly invokes: readonly InvokeRecord[];
    /** The component's outputs as construct returns them, resolved. */
    readonly outputs: Readonly<Record<string, unknown>>;
    /** Names of the outputs Pulumi holds as secrets. */
    readonly secretOutputs: readonly string[];
}

/** Constructs the component through the provider, as a program in another language would, under mocks. */
export async function constructThroughProvider(inputs: Record<string, unknown>, options: { stack: string; now: Date },
    mocks = new RecordingMocks()): Promise<ConstructRun> {
    await pulumi.runtime.setMocks(mocks, CONFIG_NAMESPACE, options.stack, false, "organization");
    noteOptionsOnRegistration(mocks);
    setRotationInstant(options.now);
    let state: Record<string, unknown>;
    try {
        ({ state } = await componentProvider().construct("nocobase-mail", NOCOBASE_MAIL_TOKEN, inputs, {}));
    } finally {
        setRotationInstant(undefined);
    }
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [name, value] of Object.entries(state)) {
        const output = pulumi.output(value) as pulumi.Output<unknown>;
        outputs[name] = await new Promise((done) => output.apply((v) => { done(v); return v; }));
        if (await pulumi.isSecret(output)) {
            secretOutputs.push(name);
        }
    }
    await waitForRegistrations();
    return { registrations: mocks.registrations, invokes: mocks.invokes, outputs, secretOutputs };
}
