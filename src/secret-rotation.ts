/**
 * Rotation windows for the client secret. Time is cut into fixed windows of `rotationDays`, counted from
 * the Unix epoch, so every input of the secret depends only on configuration and on which window "now"
 * falls in: runs inside one window produce identical inputs (no diff), the first run in a later window
 * replaces the secret. A secret made in a window expires `lifetimeDays` after the window's start, so at
 * any instant the current secret stays valid for at least `lifetimeDays - rotationDays` more days.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface RotationPolicy {
    /** Days between rotations. */
    readonly rotationDays: number;
    /** Days each secret stays valid, counted from the start of its window; above rotationDays. */
    readonly lifetimeDays: number;
    /** Raised by the user to rotate now. */
    readonly generation: number;
}

export interface RotationWindow {
    /** Ordinal of the window since the Unix epoch. */
    readonly index: number;
    readonly startsAt: Date;
    /** Start of the next window: the first `pulumi up` at or after it rotates the secret. */
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

/** RFC 3339 without fractional seconds, the form Microsoft Graph echoes back. */
export function rfc3339(instant: Date): string {
    return instant.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The values whose change replaces the secret (azuread's `rotateWhenChanged`). */
export function rotationTriggers(window: RotationWindow, policy: RotationPolicy): Record<string, string> {
    return {
        rotationWindowStart: rfc3339(window.startsAt),
        generation: String(policy.generation),
    };
}

/** The secret's description in Entra, so an administrator can tell which window made it. */
export function secretDisplayName(stack: string, window: RotationWindow, policy: RotationPolicy): string {
    return `nocobase-mail ${stack} ${rfc3339(window.startsAt).slice(0, 10)} gen ${policy.generation}`;
}
