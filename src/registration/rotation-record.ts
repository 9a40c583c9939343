/**
 * The rotation record: which slot NocoBase holds and what each slot holds, as the last successful
 * `pulumi up` left it in the stack output `secretRotation`. The program reads it back through a
 * StackReference to its own stack. Pulumi writes stack outputs only for a run whose program completed
 * (since CLI 3.112, pulumi/pulumi#15754), and the record waits for NocoBase's hand-over, so a failed
 * hand-over leaves the previous record, naming the slot NocoBase still holds.
 */
import { RotationRecord, SLOT_NAMES, SlotName, SlotRecord } from "./secret-rotation";

/** Stack output holding the record. */
const ROTATION_OUTPUT = "secretRotation";

/** The record as it is exported: both slots always present, `null` for an empty one. */
export interface RotationOutput {
    readonly nocobaseSlot: SlotName;
    readonly slots: Readonly<Record<SlotName, SlotRecord | null>>;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function isRecordObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseSlot(value: unknown): SlotRecord | undefined | "invalid" {
    if (value === null || value === undefined) {
        return undefined;
    }
    if (!isRecordObject(value) || typeof value.keyId !== "string" || typeof value.expiresAt !== "string" || !RFC3339.test(value.expiresAt)) {
        return "invalid";
    }
    if (value.kind === "inherited") {
        return { kind: "inherited", keyId: value.keyId, expiresAt: value.expiresAt };
    }
    if (value.kind === "window" && typeof value.windowStart === "string" && RFC3339.test(value.windowStart) &&
        typeof value.generation === "number" && Number.isSafeInteger(value.generation)) {
        return { kind: "window", keyId: value.keyId, windowStart: value.windowStart, generation: value.generation, expiresAt: value.expiresAt };
    }
    return "invalid";
}

/**
 * The record from the last run's stack outputs: `secretRotation` when present; for a stack last deployed
 * with the single-secret layout, that secret (in slot "a", held by NocoBase); undefined for a new stack.
 * Throws when the outputs hold a record this program cannot have written.
 */
export function parseRotationRecord(outputs: Readonly<Record<string, unknown>>): RotationRecord | undefined {
    const recorded = outputs[ROTATION_OUTPUT];
    if (recorded === undefined || recorded === null) {
        const keyId = outputs.clientSecretKeyId;
        const expiresAt = outputs.clientSecretExpiresAt;
        if (typeof keyId === "string" && typeof expiresAt === "string") {
            return { nocobaseSlot: "a", slots: { a: { kind: "inherited", keyId, expiresAt } } };
        }
        return undefined;
    }
    if (!isRecordObject(recorded) || !isRecordObject(recorded.slots) ||
        (recorded.nocobaseSlot !== "a" && recorded.nocobaseSlot !== "b")) {
        throw new Error(`the stack output ${ROTATION_OUTPUT} is not a rotation record`);
    }
    const slots: Partial<Record<SlotName, SlotRecord>> = {};
    for (const name of SLOT_NAMES) {
        const slot = parseSlot(recorded.slots[name]);
        if (slot === "invalid") {
            throw new Error(`the stack output ${ROTATION_OUTPUT} has an unreadable slot ${name}`);
        }
        if (slot !== undefined) {
            slots[name] = slot;
        }
    }
    if (slots[recorded.nocobaseSlot] === undefined) {
        throw new Error(`the stack output ${ROTATION_OUTPUT} names slot ${recorded.nocobaseSlot} as NocoBase's but it is empty`);
    }
    return { nocobaseSlot: recorded.nocobaseSlot, slots };
}
