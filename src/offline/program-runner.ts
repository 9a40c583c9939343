/**
 * Evaluates the real Pulumi program (index.ts) under recording mocks, for the offline plan and the
 * program tests. The program module is loaded afresh each time so several configurations can be
 * evaluated in one process.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CLOCK_OVERRIDE_VARIABLE } from "../stack-config";
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
    /** Outputs of the stack's previous `pulumi up`, as its self-reference reads them. Default none (a new stack). */
    readonly lastRunOutputs?: Readonly<Record<string, unknown>>;
}

/** Pulumi's organization name for stacks of a file backend, which is also what the mocks report. */
const MOCK_ORGANIZATION = "organization";

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
    const mocks = new RecordingMocks(options.lastRunOutputs);
    await pulumi.runtime.setMocks(mocks, CONFIG_NAMESPACE, options.stack, false, MOCK_ORGANIZATION);
    const namespaced = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(options.config).map(([k, v]) => [namespaced(k), v])),
        (options.secretKeys ?? []).map(namespaced),
    );

    const run = startRefusalWatch();
    try {
        return await evaluate(options, mocks, run.refused);
    } catch (err) {
        if (err instanceof ProgramFailure) {
            throw err;
        }
        throw new ProgramFailure(err instanceof Error ? err : new Error(String(err)), mocks.registrations, mocks.invokes);
    } finally {
        run.stop();
    }
}

/**
 * A refusal raised while resolving a resource's inputs (the adoption check) rejects outside the program's
 * top level, as under `pulumi up`, and every output derived from it rejects again later. The first
 * rejection during a run is that run's failure; its echoes afterwards are already reported.
 */
const reportedRefusals = new Set<string>();
let currentRun: ((error: Error) => void) | undefined;
let watching = false;

function startRefusalWatch(): { refused: Promise<never>; stop: () => void } {
    if (!watching) {
        watching = true;
        process.on("unhandledRejection", (reason: unknown) => {
            const error = reason instanceof Error ? reason : new Error(String(reason));
            if (currentRun !== undefined) {
                currentRun(error);
            } else if (![...reportedRefusals].some((message) => error.message.includes(message))) {
                console.error(`unhandled rejection after a program run: ${error.message}`);
                process.exitCode = 1;
            }
        });
    }
    let refuse: (error: Error) => void = () => undefined;
    const refused = new Promise<never>((_, reject) => { refuse = reject; });
    refused.catch(() => undefined);
    currentRun = (error) => {
        // The RunError itself, not a wrapper of it ("error serializing property ..."), when both arrive.
        const settle = (): void => {
            reportedRefusals.add(error.message.replace(/^(error serializing property "[^"]*": )+/, ""));
            refuse(error);
        };
        if (pulumi.RunError.isInstance(error)) {
            settle();
        } else {
            setImmediate(settle);
        }
    };
    return { refused, stop: () => { currentRun = undefined; } };
}

async function evaluate(options: ProgramRunOptions, mocks: RecordingMocks, refused: Promise<never>): Promise<ProgramRun> {
    const previousClock = process.env[CLOCK_OVERRIDE_VARIABLE];
    if (options.now !== undefined) {
        process.env[CLOCK_OVERRIDE_VARIABLE] = options.now.toISOString();
    }
    let program: Record<string, unknown>;
    try {
        delete require.cache[require.resolve(PROGRAM)];
        // A fresh CommonJS load re-runs the program's top level, exactly as `pulumi up` runs it once.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        program = require(PROGRAM) as Record<string, unknown>;
    } catch (err) {
        throw new ProgramFailure(err instanceof Error ? err : new Error(String(err)), mocks.registrations, mocks.invokes);
    } finally {
        if (previousClock === undefined) {
            delete process.env[CLOCK_OVERRIDE_VARIABLE];
        } else {
            process.env[CLOCK_OVERRIDE_VARIABLE] = previousClock;
        }
    }

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [name, value] of Object.entries(program)) {
        const output = pulumi.output(value);
        outputs[name] = await Promise.race([resolve(output), refused]);
        if (await pulumi.isSecret(output)) {
            secretOutputs.push(name);
        }
    }
    await Promise.race([waitForRegistrations(), refused]);
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
