/**
 * Evaluates the real Pulumi program (index.ts) under recording mocks, for the offline plan and the
 * program tests. The program module is loaded afresh each time so several configurations can be
 * evaluated in one process.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setOfflineInstant } from "../stack-config";
import { CONFIG_NAMESPACE } from "../settings";
import { InvokeRecord, RecordingMocks, Registration } from "./recording-mocks";

const PROGRAM = path.resolve(__dirname, "..", "..", "index.ts");

export interface ProgramRun {
    readonly registrations: readonly Registration[];
    readonly invokes: readonly InvokeRecord[];
    /** Stack outputs with their values resolved. */
    readonly outputs: Readonly<Record<string, unknown>>;
    /** Names of the outputs Pulumi holds as secrets. */
    readonly secretOutputs: readonly string[];
}

export interface ProgramRunOptions {
    readonly stack: string;
    /** Stack config, keys without namespace, values as `pulumi config` stores them (strings). */
    readonly config: Readonly<Record<string, string>>;
    /** Keys of `config` that are secrets. */
    readonly secretKeys?: readonly string[];
    /** The instant the program believes it is. */
    readonly now?: Date;
}

/** The program threw while being evaluated; `error` is its own error (a `pulumi.RunError` for config mistakes). */
export class ProgramFailure extends Error {
    constructor(
        public readonly error: Error,
        public readonly registrations: readonly Registration[],
        public readonly invokes: readonly InvokeRecord[],
    ) {
        super(error.message);
        this.name = "ProgramFailure";
    }
}

/** Runs the program; rejects with a `ProgramFailure` when the program throws. */
export async function runProgram(options: ProgramRunOptions): Promise<ProgramRun> {
    const mocks = new RecordingMocks();
    await pulumi.runtime.setMocks(mocks, CONFIG_NAMESPACE, options.stack, false);
    const namespaced = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(options.config).map(([k, v]) => [namespaced(k), v])),
        (options.secretKeys ?? []).map(namespaced),
    );

    setOfflineInstant(options.now);
    let program: Record<string, unknown>;
    try {
        delete require.cache[require.resolve(PROGRAM)];
        // A fresh CommonJS load re-runs the program's top level, exactly as `pulumi up` runs it once.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        program = require(PROGRAM) as Record<string, unknown>;
    } catch (err) {
        throw new ProgramFailure(err instanceof Error ? err : new Error(String(err)), mocks.registrations, mocks.invokes);
    } finally {
        setOfflineInstant(undefined);
    }

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [name, value] of Object.entries(program)) {
        const output = pulumi.output(value);
        outputs[name] = await resolve(output);
        if (await pulumi.isSecret(output)) {
            secretOutputs.push(name);
        }
    }
    await waitForRegistrations();
    return { registrations: mocks.registrations, invokes: mocks.invokes, outputs, secretOutputs };
}

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((done) => output.apply((v) => { done(v); return v; }));
}

/**
 * Resources not reachable from any output (the admin-consent grant) register after the outputs resolve.
 * The SDK's runtime exports `waitForRPCs` (marked internal in its typings) to drain that queue.
 */
async function waitForRegistrations(): Promise<void> {
    const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    if (typeof runtime.waitForRPCs !== "function") {
        throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; update src/offline/program-runner.ts");
    }
    await runtime.waitForRPCs();
}
