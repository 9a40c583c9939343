/**
 * What NocoBase's Email Manager reads ("Email Settings"). NocoBase's documentation lists Email Settings as
 * "Not adapted" to `{{$env...}}` variables, so by default an administrator pastes client ID and secret
 * into them, and confirms the key ID pasted (`pastedSecretKeyId`); the rotation never makes that slot
 * anew (secret-rotation.ts). `variables` is the earlier behaviour: Email Settings read the variables the
 * hand-over writes.
 */
import { otherSlot, RotationRecord, SLOT_NAMES, SlotName, slotHolding } from "./secret-rotation";

export const EMAIL_SETTINGS_MODES = ["pasted", "variables"] as const;
export type EmailSettingsMode = (typeof EMAIL_SETTINGS_MODES)[number];

export function isEmailSettingsMode(value: string): value is EmailSettingsMode {
    return (EMAIL_SETTINGS_MODES as readonly string[]).includes(value);
}

/** The mode a run follows, and whether the stack chose it. */
export interface EmailSettingsChoice {
    readonly mode: EmailSettingsMode;
    /** False for a stack deployed before the choice existed and still silent about it: it keeps `variables`. */
    readonly chosen: boolean;
}

/**
 * The configured mode; unset, a stack with a confirmed key ID is pasted, a new stack (no rotation record)
 * is pasted, and an existing stack keeps what it always did, variables.
 */
export function emailSettingsChoice(configured: EmailSettingsMode | undefined, confirmedKeyId: string | undefined,
    previous: RotationRecord | undefined): EmailSettingsChoice {
    if (configured !== undefined) {
        return { mode: configured, chosen: true };
    }
    if (confirmedKeyId !== undefined) {
        return { mode: "pasted", chosen: true };
    }
    return previous === undefined ? { mode: "pasted", chosen: false } : { mode: "variables", chosen: false };
}

/**
 * Why a confirmed key ID cannot be one the Email Manager holds, from the last run's record; undefined when
 * it is one of the stack's slots. The record is the last successful run's, so a slot deleted since then
 * (by the run that replaced it) is no longer in it.
 */
export function confirmationProblem(confirmedKeyId: string, previous: RotationRecord | undefined): string | undefined {
    if (previous === undefined) {
        return "names a secret, but this stack has made none yet (no earlier outputs)";
    }
    if (slotHolding(previous, confirmedKeyId) !== undefined) {
        return undefined;
    }
    const held = SLOT_NAMES.map((slot) => previous.slots[slot]?.keyId).filter((id): id is string => id !== undefined);
    return `is not a client secret of this stack (its secrets: ${held.join(", ")}); it may have been deleted by a rotation ` +
        "or belong to another stack";
}

/**
 * The slot the next rotation makes anew: the one besides the newest, except when the Email Manager holds
 * that one and nothing protects the newest (no variables), which is then made anew again.
 */
export function slotNextRotationReplaces(newest: SlotName, confirmedSlot: SlotName | undefined, variablesHandOver: boolean): SlotName {
    return confirmedSlot !== undefined && confirmedSlot !== newest && !variablesHandOver ? newest : otherSlot(newest);
}

/** The paste as the stack output `pastedSecret` reports it (null fields: none). */
export interface PasteStatus {
    /** Key ID confirmed pasted into Email Settings; null before the first confirmation. */
    readonly confirmedKeyId: string | null;
    /** Slot of the confirmed secret. */
    readonly confirmedSlot: string | null;
    /** When the confirmed secret expires (RFC 3339). */
    readonly confirmedExpiresAt: string | null;
    /** Slot of a newer secret that awaits pasting; null when Email Settings hold the newest. */
    readonly awaitingSlot: string | null;
    /** Key ID of the secret that awaits pasting. */
    readonly awaitingKeyId: string | null;
    /** Start of the rotation window the awaiting secret was made for (RFC 3339): it awaits since the first run in it. */
    readonly awaitingSince: string | null;
    /** Paste and confirm the awaiting secret before this instant (RFC 3339): the held one expires, or the next rotation makes its slot anew. */
    readonly pasteBy: string | null;
    /** True when a due rotation waits for the paste (both slots are held); null otherwise. */
    readonly rotationWaitsForPaste: true | null;
}

/** A slot as recorded after the run: its key ID, expiry and window start (none for an inherited secret). */
interface SlotAfterRun {
    readonly keyId: string;
    readonly expiresAt: string;
    readonly windowStart?: string;
}

/**
 * The paste after a run: `confirmed` is the confirmed key ID and the slot the last run's record holds it in
 * (a run never makes that slot anew), `newest` the record's NocoBase slot, `slots` the slots after the run,
 * `nextRotationAt` the next rotation instant and `rotationWaits` whether it waits for the paste.
 */
export function pasteStatus(confirmed: { readonly keyId: string; readonly slot: SlotName } | undefined, newest: SlotName,
    slots: Readonly<Partial<Record<SlotName, SlotAfterRun>>>, nextRotationAt: string, rotationWaits: boolean): PasteStatus {
    const held = confirmed === undefined ? undefined : slots[confirmed.slot];
    const awaiting = confirmed?.slot === newest ? undefined : slots[newest];
    let pasteBy: string | null = null;
    if (awaiting !== undefined) {
        // A waiting rotation replaces nothing until the paste; otherwise the next one makes the awaiting slot anew
        // (or, with nothing confirmed, offers a newer secret).
        const candidates = [...(rotationWaits ? [] : [nextRotationAt]), ...(held === undefined ? [] : [held.expiresAt])];
        pasteBy = candidates.sort((x, y) => Date.parse(x) - Date.parse(y))[0] ?? null;
    }
    return {
        confirmedKeyId: held === undefined ? null : confirmed?.keyId ?? null,
        confirmedSlot: held === undefined ? null : confirmed?.slot ?? null,
        confirmedExpiresAt: held?.expiresAt ?? null,
        awaitingSlot: awaiting === undefined ? null : newest,
        awaitingKeyId: awaiting?.keyId ?? null,
        awaitingSince: awaiting?.windowStart ?? null,
        pasteBy,
        rotationWaitsForPaste: rotationWaits ? true : null,
    };
}
