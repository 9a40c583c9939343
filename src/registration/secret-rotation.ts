/**
 * Overlapping rotation of the client secret with two slots, "a" and "b", that take turns. Time is cut into
 * fixed windows of `rotationDays`, counted from the Unix epoch. NocoBase holds one slot; when a new window
 * starts (or the generation is raised) the run replaces the *other* slot, which nothing uses, and NocoBase
 * moves to it; the slot NocoBase leaves stays valid as the fallback. A slot made in a window expires
 * `lifetimeDays` after the window's start.
 *
 * A slot's inputs come either from the window (the slot being made) or, unchanged, from the record the
 * last successful run left in the stack outputs (every other slot), so two runs in one window declare
 * byte-identical inputs. The record is also how a run knows which slot NocoBase holds: the clock alone
 * cannot tell after a pause longer than a window or a "rotate now".
 *
 * When an administrator pastes the secret into NocoBase's Email Settings (pasted-secret.ts), the record's
 * NocoBase slot is the newest secret, the one offered for pasting, and the slot holding the confirmed
 * pasted secret is never made anew: a due rotation makes the other slot instead.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Least slack (lifetime - 2 x rotation) accepted: runs at least weekly keep the full overlap. */
export const MIN_SLACK_DAYS = 7;

export interface RotationPolicy {
    /** Days between rotations. */
    readonly rotationDays: number;
    /** Days each secret stays valid, counted from the start of its window; at least 2 x rotation + slack. */
    readonly lifetimeDays: number;
    /** Raised by the user to rotate now. */
    readonly generation: number;
}

interface RotationWindow {
    /** Ordinal of the window since the Unix epoch. */
    readonly index: number;
    readonly startsAt: Date;
    /** Start of the next window. */
    readonly nextRotationAt: Date;
    /** When Microsoft stops accepting a secret made in this window. */
    readonly expiresAt: Date;
}

export function rotationWindow(now: Date, policy: RotationPolicy): RotationWindow {
    const periodMs = policy.rotationDays * DAY_MS;
    const index = Math.floor(now.getTime() / periodMs);
    const start = index * periodMs;
    return {
        index,
        startsAt: new Date(start),
        nextRotationAt: new Date(start + periodMs),
        expiresAt: new Date(start + policy.lifetimeDays * DAY_MS),
    };
}

/** Days a run may come late without shortening the overlap: lifetime - 2 x rotation. */
export function slackDays(policy: Pick<RotationPolicy, "rotationDays" | "lifetimeDays">): number {
    return policy.lifetimeDays - 2 * policy.rotationDays;
}

/** RFC 3339 without fractional seconds, the form Microsoft Graph echoes back. */
export function rfc3339(instant: Date): string {
    return instant.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export type SlotName = "a" | "b";
export const SLOT_NAMES: readonly SlotName[] = ["a", "b"];

export function otherSlot(slot: SlotName): SlotName {
    return slot === "a" ? "b" : "a";
}

/** What a slot's secret was made from. */
type SlotSpec =
    /** Made by this program for a window and generation. */
    | { readonly kind: "window"; readonly windowStart: string; readonly generation: number; readonly expiresAt: string }
    /** The single secret of the earlier layout, kept exactly as its state holds it until its slot's turn. */
    | { readonly kind: "inherited"; readonly keyId: string; readonly expiresAt: string };

/** A slot as the stack output `secretRotation` records it. */
export type SlotRecord = SlotSpec & { readonly keyId: string };

/** What the last successful run recorded: which slot NocoBase holds and what each slot holds. */
export interface RotationRecord {
    readonly nocobaseSlot: SlotName;
    readonly slots: Readonly<Partial<Record<SlotName, SlotRecord>>>;
}

type RotationReason = "first secret" | "new window" | "generation raised" | "upgrade from the single-secret layout";

export interface RotationPlan {
    /** The window "now" falls in. */
    readonly window: RotationWindow;
    /** Every slot that exists after the run. */
    readonly slots: Readonly<Partial<Record<SlotName, SlotSpec>>>;
    /** The slot NocoBase is to hold after the run. */
    readonly nocobaseSlot: SlotName;
    /**
     * The slot this run makes anew, and why; undefined when nothing rotates. `deleteBeforeReplace` is set
     * whenever the slot is not NocoBase's: a failed run may have left a secret in it the record does not
     * know, and deleting that first keeps the count at two.
     */
    readonly rotation: { readonly slot: SlotName; readonly reason: RotationReason; readonly deleteBeforeReplace: boolean } | undefined;
    /** The first run at or after this instant rotates (or at once after raising the generation). */
    readonly nextRotationAt: Date;
    /**
     * A rotation that is due but waits: the slot it would make holds the confirmed pasted secret and the other
     * one the secret NocoBase's variables hold, and neither may be deleted. Undefined when nothing waits.
     */
    readonly waitingForPaste: RotationReason | undefined;
}

/** What an administrator pasted into Email Settings, when the Email Manager reads a pasted secret. */
export interface PastedHold {
    /** Key ID of the secret confirmed pasted; undefined before the first confirmation. Must be one of the record's slots. */
    readonly confirmedKeyId: string | undefined;
    /** Whether NocoBase's variables receive the newest secret too (an API key is configured): that slot is protected as well. */
    readonly variablesHandOver: boolean;
}

/** The slot of the previous record holding `keyId`, compared without regard to case; undefined when none does. */
export function slotHolding(record: RotationRecord, keyId: string): SlotName | undefined {
    return SLOT_NAMES.find((slot) => record.slots[slot]?.keyId.toLowerCase() === keyId.toLowerCase());
}

function windowSpec(window: RotationWindow, policy: RotationPolicy): SlotSpec {
    return { kind: "window", windowStart: rfc3339(window.startsAt), generation: policy.generation, expiresAt: rfc3339(window.expiresAt) };
}

/** Why the slot NocoBase holds must be left now, or undefined when it may stay. */
function rotationDue(held: SlotSpec, window: RotationWindow, policy: RotationPolicy): RotationReason | undefined {
    if (held.kind === "inherited") {
        return "upgrade from the single-secret layout";
    }
    if (window.startsAt.getTime() > Date.parse(held.windowStart)) {
        return "new window";
    }
    return held.generation === policy.generation ? undefined : "generation raised";
}

/**
 * Decides this run's slots from the last run's record (undefined for a new stack), the policy and "now".
 * Only the slot NocoBase does not hold is ever made anew; the other keeps its recorded spec.
 */
export function planRotation(previous: RotationRecord | undefined, policy: RotationPolicy, now: Date, pasted?: PastedHold): RotationPlan {
    const window = rotationWindow(now, policy);
    if (previous === undefined) {
        const slots = { a: windowSpec(window, policy) };
        return {
            window, slots, nocobaseSlot: "a", rotation: { slot: "a", reason: "first secret", deleteBeforeReplace: false },
            nextRotationAt: window.nextRotationAt, waitingForPaste: undefined,
        };
    }
    const heldSlot = previous.nocobaseSlot;
    const held = previous.slots[heldSlot];
    if (held === undefined) {
        throw new Error(`the rotation record names slot ${heldSlot} as NocoBase's but records no secret in it`);
    }
    const spare = otherSlot(heldSlot);
    const spareRecord = previous.slots[spare];
    const reason = rotationDue(held, window, policy);
    if (reason === undefined) {
        const slots: Partial<Record<SlotName, SlotSpec>> = { [heldSlot]: held };
        if (spareRecord !== undefined) {
            slots[spare] = spareRecord;
        }
        return { window, slots, nocobaseSlot: heldSlot, rotation: undefined, nextRotationAt: nextRotation(held, policy), waitingForPaste: undefined };
    }
    const made = windowSpec(window, policy);
    const confirmedSlot = pasted?.confirmedKeyId === undefined ? undefined : slotHolding(previous, pasted.confirmedKeyId);
    if (pasted?.confirmedKeyId !== undefined && confirmedSlot === undefined) {
        throw new Error(`the confirmed pasted secret ${pasted.confirmedKeyId} is in neither slot of the rotation record`);
    }
    if (confirmedSlot === spare) {
        // The Email Manager holds the older secret and the newest was never confirmed: the newest is made
        // anew (nothing holds it), unless NocoBase's variables hold it, when the rotation waits for the paste.
        const slots = { [spare]: spareRecord, [heldSlot]: pasted?.variablesHandOver === true ? held : made };
        if (pasted?.variablesHandOver === true) {
            return { window, slots, nocobaseSlot: heldSlot, rotation: undefined, nextRotationAt: nextRotation(held, policy), waitingForPaste: reason };
        }
        return {
            window, slots, nocobaseSlot: heldSlot, rotation: { slot: heldSlot, reason, deleteBeforeReplace: true },
            nextRotationAt: nextRotation(made, policy), waitingForPaste: undefined,
        };
    }
    return {
        window,
        slots: { [heldSlot]: held, [spare]: made },
        nocobaseSlot: spare,
        rotation: { slot: spare, reason, deleteBeforeReplace: true },
        nextRotationAt: nextRotation(made, policy),
        waitingForPaste: undefined,
    };
}

/** Start of the first window after the one the held secret was made in. */
function nextRotation(held: SlotSpec, policy: RotationPolicy): Date {
    // An inherited secret is always left at once, so a held slot after planning is always a window slot.
    const from = held.kind === "window" ? new Date(held.windowStart) : new Date(0);
    return rotationWindow(from, policy).nextRotationAt;
}

/** The inputs of a slot's `azuread.ApplicationPassword` whose change replaces it. */
interface SlotInputs {
    readonly displayName: string;
    readonly endDate: string;
    readonly rotateWhenChanged: Record<string, string>;
}

/** Input names an inherited secret keeps from its state (the earlier layout's values are not known here). */
export const INHERITED_IGNORED_INPUTS = ["displayName", "endDate", "rotateWhenChanged"] as const;

/** The secret's description in Entra tells an administrator the stack, window, generation and slot. */
export function slotInputs(label: string, slot: SlotName, spec: SlotSpec): SlotInputs {
    if (spec.kind === "inherited") {
        return {
            displayName: `nocobase-mail ${label} single-secret layout (slot ${slot})`,
            endDate: spec.expiresAt,
            rotateWhenChanged: { inheritedKeyId: spec.keyId },
        };
    }
    return {
        displayName: `nocobase-mail ${label} ${spec.windowStart.slice(0, 10)} gen ${spec.generation} (slot ${slot})`,
        endDate: spec.expiresAt,
        rotateWhenChanged: { rotationWindowStart: spec.windowStart, generation: String(spec.generation) },
    };
}
