/**
 * Evaluates the real Pulumi program (src/program.ts, which index.ts re-exports) under recording mocks, for the offline plan and the
 * program tests. The program module is loaded afresh each time so several configurations can be
 * evaluated in one process.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setRotationInstant } from "../../nocobase-mail/rotation-clock";
import { CONFIG_NAMESPACE } from "../../configuration/config-keys";
import { InvokeRecord, RecordingMocks, Registration } from "./recording-mocks";
import { noteOptionsOnRegistration, resolveOutput, waitForRegistrations } from "./sdk-fence/sdk-internals";

// Without an extension: src/program.ts under tsx, dist/program.js in the installed package.
const PROGRAM = path.resolve(__dirname, "..", "..", "program");

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
    /** Stack outputs of the last run, read back by the program; default none (a new stack). */
    readonly previousOutputs?: Readonly<Record<string, unknown>>;
    /** The tenant the azuread provider signs in to (the stack file's `azuread:tenantId`); default the mock deployer's. */
    readonly tenantId?: string;
    /** Mocks to use instead of fresh recording mocks over `previousOutputs` (a simulated engine). */
    readonly mocks?: RecordingMocks;
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
    const mocks = options.mocks ?? new RecordingMocks(options.previousOutputs, options.tenantId);
    await pulumi.runtime.setMocks(mocks, CONFIG_NAMESPACE, options.stack, false, MOCK_ORGANIZATION);
    noteOptionsOnRegistration(mocks);
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
    // The plan passes its instant explicitly; without one the program runs on the clock (or its own override).
    setRotationInstant(options.now);
    let program: Record<string, unknown>;
    try {
        delete require.cache[require.resolve(PROGRAM)];
        // A fresh CommonJS load re-runs the program's top level, exactly as `pulumi up` runs it once; like
        // Pulumi's Node.js host, an exported function is called and its result awaited.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported = require(PROGRAM) as unknown;
        program = (typeof exported === "function" ? await (exported as () => Promise<unknown>)() : exported) as Record<string, unknown>;
    } catch (err) {
        throw new ProgramFailure(err instanceof Error ? err : new Error(String(err)), mocks.registrations, mocks.invokes);
    } finally {
        setRotationInstant(undefined);
    }

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    try {
        for (const [name, value] of Object.entries(program)) {
            const output = pulumi.output(value);
            outputs[name] = await Promise.race([resolveOutput(output), refused]);
            if (await pulumi.isSecret(output)) {
                secretOutputs.push(name);
            }
        }
        await Promise.race([waitForRegistrations(), refused]);
    } catch (err) {
        // A resource failed to register (a simulated engine refused it): the run fails as `pulumi up` would,
        // after the registrations still in flight have settled.
        await waitForRegistrations().catch(() => undefined);
        throw new ProgramFailure(err instanceof Error ? err : new Error(String(err)), mocks.registrations, mocks.invokes);
    }
    return { registrations: mocks.registrations, invokes: mocks.invokes, outputs, secretOutputs };
}
