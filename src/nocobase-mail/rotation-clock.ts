/**
 * The instant NocobaseMail computes its rotation schedule for. The component reads no environment: it takes
 * the system clock unless whoever evaluates the program injects an instant (the offline plan, the tests, this
 * project's own program when rehearsing a rotation). Not exported from the package entry, which exports
 * components only.
 */
let injected: Date | undefined;

/** Fixes the instant for the components declared from now on in this process, or (undefined) clears it. */
export function setRotationInstant(instant: Date | undefined): void {
    injected = instant;
}

/** Whether an instant is injected; the program's rehearsal override yields to one. */
export function rotationInstantInjected(): boolean {
    return injected !== undefined;
}

export function rotationInstant(): Date {
    return injected ?? new Date();
}
