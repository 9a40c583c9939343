/**
 * A small model of what `pulumi up` does with the program's registrations, of Entra's client secrets and
 * of what NocoBase holds, for the rotation simulation. The real program (index.ts) is evaluated under
 * mocks; these mocks answer as the engine would:
 * - a resource whose replacing inputs (after `ignoreChanges`) equal its state is left alone and answers
 *   with its recorded outputs; an alias finds a resource under its old name;
 * - a changed ApplicationPassword is replaced: delete-before-replace deletes the old secret first,
 *   otherwise the new one is created and the old one is deleted after the program completed (pending
 *   delete; a failed run leaves it for the next run that completes);
 * - creating a secret while two exist fails, as Entra does for personal-account applications;
 * - the NocoBase resource is updated when its key ID changes, and may be made to fail;
 * - a failure fails the run: NocoBase (which depends on every other resource) is then left alone, the
 *   stack outputs keep the last successful run's values and pending deletes wait for a later run.
 * A failed step answers the program with the resource's old state instead of an error, so the program
 * still completes under mocks; the run is then treated as failed.
 * Every event is checked against the invariants; violations are collected, not thrown, so a test can
 * show that a broken policy is caught.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProgramFailure, ProgramRun, runProgram } from "../../src/operations/plan/program-runner";
import { DYNAMIC_RESOURCE_PREFIX, RecordingMocks, RegistrationOptions, STACK_REFERENCE_TYPE } from "../../src/operations/plan/recording-mocks";
import { DAY_MS } from "../../src/registration/secret-rotation";

export const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
/** Microsoft's hard limit for personal-account audiences. */
const SECRET_LIMIT = 2;
/** Inputs of an ApplicationPassword that replace it when they change. */
const REPLACING_INPUTS = ["applicationId", "displayName", "endDate", "rotateWhenChanged"];

interface EntraSecret { readonly keyId: string; readonly expiresAt: number }

interface ResourceState { readonly type: string; readonly inputs: Record<string, unknown>; readonly outputs: Record<string, unknown> }

/** Deliberately broken behaviours, to show the simulation catches them. */
export interface Sabotage {
    /** Replace every slot create-before-delete (ignore the program's delete-before-replace). */
    readonly createBeforeDelete?: boolean;
    /** Hide the rotation record: the program believes NocoBase holds the slot of the previous window's parity. */
    readonly clockOnly?: { readonly rotationDays: number };
    /** Evaluate the program without pastedSecretKeyId: the rotation follows the variables alone. */
    readonly ignoreConfirmation?: boolean;
}

export class World {
    public readonly entra = new Map<string, EntraSecret>();
    public readonly state = new Map<string, ResourceState>();
    public pendingDeletes: string[] = [];
    public stackOutputs: Record<string, unknown> = {};
    /** The key ID NocoBase actually uses (its variables). */
    public nocobaseKeyId: string | undefined;
    /** The key ID an administrator pasted into Email Settings (pasted mode). */
    public emailManagerKeyId: string | undefined;
    /** The key ID the stack's configuration confirms as pasted (pastedSecretKeyId). */
    public confirmedKeyId: string | undefined;
    public readonly violations: string[] = [];
    public now = 0;
    private keys = 0;

    constructor(public readonly sabotage: Sabotage = {}) {}

    public violation(what: string): void {
        this.violations.push(`${new Date(this.now).toISOString()}: ${what}`);
    }

    /** Creates a secret; undefined when Entra refuses a third one. */
    public createSecret(endDate: string): string | undefined {
        if (this.entra.size >= SECRET_LIMIT) {
            this.violation(`a third secret was created while ${[...this.entra.keys()].join(", ")} exist`);
            return undefined;
        }
        // Shaped as Entra's key IDs (GUIDs), which pastedSecretKeyId must be.
        const keyId = `00000000-0000-4000-8000-${String(++this.keys).padStart(12, "0")}`;
        this.entra.set(keyId, { keyId, expiresAt: Date.parse(endDate) });
        return keyId;
    }

    public deleteSecret(keyId: string): void {
        if (keyId === this.nocobaseKeyId) {
            this.violation(`deleted ${keyId}, the secret NocoBase holds`);
        }
        if (keyId === this.confirmedKeyId) {
            this.violation(`deleted ${keyId}, the pasted secret the stack's configuration confirms`);
        }
        this.entra.delete(keyId);
    }

    /** NocoBase takes a secret (by the Pulumi resource, or by a push). */
    public handOver(keyId: string): void {
        const secret = this.entra.get(keyId);
        if (secret === undefined || secret.expiresAt <= this.now) {
            this.violation(`NocoBase was given ${keyId}, which does not exist or has expired`);
        }
        this.nocobaseKeyId = keyId;
    }

    /** What the program reads back through its stack reference. */
    public previousOutputs(): Record<string, unknown> {
        const clock = this.sabotage.clockOnly;
        const record = this.stackOutputs.secretRotation as { nocobaseSlot: string } | undefined;
        if (clock === undefined || record === undefined) {
            return this.stackOutputs;
        }
        const previousWindow = Math.floor(this.now / (clock.rotationDays * DAY_MS)) - 1;
        return { ...this.stackOutputs, secretRotation: { ...record, nocobaseSlot: previousWindow % 2 === 0 ? "a" : "b" } };
    }

    public nextKeyIdFor(state: ResourceState | undefined): string | undefined {
        return state?.outputs.keyId as string | undefined;
    }
}

function replacingInputs(inputs: Record<string, unknown>): string {
    return JSON.stringify(REPLACING_INPUTS.map((k) => inputs[k]), (_key, value: unknown) => (
        value !== null && typeof value === "object" && !Array.isArray(value)
            ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value));
}

/** Mocks for one run, answering from the world's state. */
class EngineMocks extends RecordingMocks {
    public readonly registered = new Set<string>();
    /** Why this run failed, once a step failed. */
    public failure: string | undefined;

    constructor(private readonly world: World, private readonly failHandover: boolean) {
        super(world.previousOutputs());
    }

    protected override resolve(args: pulumi.runtime.MockResourceArgs, inputs: Record<string, unknown>,
        options: RegistrationOptions | undefined): pulumi.runtime.MockResourceResult {
        if (args.type === STACK_REFERENCE_TYPE) {
            return super.resolve(args, inputs, options);
        }
        const world = this.world;
        let old = world.state.get(args.name);
        for (const alias of options?.aliasNames ?? []) {
            const aliased = world.state.get(alias);
            if (old === undefined && aliased !== undefined && aliased.type === args.type) {
                world.state.delete(alias);
                world.state.set(args.name, aliased);
                old = aliased;
            }
        }
        this.registered.add(args.name);
        if (args.type === PASSWORD) {
            return this.password(args, inputs, options, old);
        }
        if (args.type.startsWith(DYNAMIC_RESOURCE_PREFIX)) {
            const keyId = String(inputs.clientSecretKeyId);
            if (old?.inputs.clientSecretKeyId === keyId) {
                return { id: `dynamic-${args.name}`, state: old.outputs };
            }
            if (this.failure !== undefined || this.failHandover) {
                // Skipped after an earlier failure, or refused by NocoBase: its state stays as it was.
                this.failure ??= "NocoBase refused the hand-over";
                return { id: `dynamic-${args.name}`, state: old?.outputs ?? inputs };
            }
            world.handOver(keyId);
            world.state.set(args.name, { type: args.type, inputs, outputs: inputs });
            return { id: `dynamic-${args.name}`, state: inputs };
        }
        const answer = super.resolve(args, inputs, options);
        world.state.set(args.name, { type: args.type, inputs, outputs: answer.state as Record<string, unknown> });
        return answer;
    }

    private password(args: pulumi.runtime.MockResourceArgs, declared: Record<string, unknown>, options: RegistrationOptions | undefined,
        old: ResourceState | undefined): pulumi.runtime.MockResourceResult {
        const world = this.world;
        const inputs = { ...declared };
        for (const ignored of options?.ignoreChanges ?? []) {
            if (old !== undefined) {
                inputs[ignored] = old.inputs[ignored];
            }
        }
        if (old !== undefined && replacingInputs(old.inputs) === replacingInputs(inputs)) {
            return { id: String(old.outputs.id), state: old.outputs };
        }
        const oldKey = world.nextKeyIdFor(old);
        const deleteFirst = options?.deleteBeforeReplace === true && world.sabotage.createBeforeDelete !== true;
        if (oldKey !== undefined && deleteFirst) {
            world.deleteSecret(oldKey);
            world.state.delete(args.name);
        }
        const keyId = world.createSecret(String(inputs.endDate));
        if (keyId === undefined) {
            this.failure = "Entra refused a third secret (TooManyAppPasswords)";
            return { id: "failed", state: old?.outputs ?? { ...inputs, keyId: "failed" } };
        }
        if (oldKey !== undefined && !deleteFirst) {
            world.pendingDeletes.push(oldKey);
        }
        const outputs = { ...inputs, keyId, id: `${String(inputs.applicationId)}/password/${keyId}`, value: `simulated-secret-${keyId}` };
        world.state.set(args.name, { type: args.type, inputs, outputs });
        return { id: String(outputs.id), state: outputs };
    }
}

interface RunResult {
    readonly run: ProgramRun | undefined;
    readonly failure: Error | undefined;
}

/**
 * One `pulumi up` at the world's current instant: evaluate the program, then (when it completed) record
 * the outputs and carry out the deletes Pulumi defers to the end: replaced secrets and resources the
 * program no longer declares.
 */
export async function pulumiUp(world: World, stack: string, config: Record<string, string>, secretKeys: string[],
    failHandover = false): Promise<RunResult> {
    const mocks = new EngineMocks(world, failHandover);
    try {
        const { pastedSecretKeyId: _ignored, ...unconfirmed } = config;
        const evaluated = world.sabotage.ignoreConfirmation === true ? unconfirmed : config;
        const run = await runProgram({ stack, config: evaluated, secretKeys, now: new Date(world.now), mocks });
        if (mocks.failure !== undefined) {
            return { run: undefined, failure: new Error(mocks.failure) };
        }
        world.stackOutputs = run.outputs;
        for (const keyId of world.pendingDeletes) {
            world.deleteSecret(keyId);
        }
        world.pendingDeletes = [];
        for (const [name, resource] of [...world.state]) {
            if (!mocks.registered.has(name)) {
                world.state.delete(name);
                const keyId = world.nextKeyIdFor(resource);
                if (resource.type === PASSWORD && keyId !== undefined) {
                    world.deleteSecret(keyId);
                }
            }
        }
        return { run, failure: undefined };
    } catch (err) {
        if (err instanceof ProgramFailure) {
            return { run: undefined, failure: err.error };
        }
        throw err;
    }
}
