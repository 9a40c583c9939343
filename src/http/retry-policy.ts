/**
 * When to try an HTTP call again, and after how long: the one rule for NocoBase and Microsoft Graph.
 * Pure: the caller says what the attempt ended with and whether the call is a read or a write; the
 * policy answers with a delay or the reason to stop.
 *
 * - A read is repeated after a transient failure (throttling, 502/503/504, a dropped connection).
 * - A write is repeated only when it provably did not happen: the connection was refused before anything
 *   was sent, or the server answered that it did not process it (429, NocoBase's gateway 503 while the
 *   application restarts, a documented replication answer). Never after a 502/504, a reset or a timeout,
 *   which may follow an applied write.
 * - A timeout is not repeated: a slow server would multiply the wait by the attempts.
 * - `Retry-After` is honoured up to `maxRetryAfterMs`; a longer one stops, and says so.
 */

export interface RetryPolicy {
    /** Most attempts per call, the first included. */
    readonly maxAttempts: number;
    /** Delay before the first retry without `Retry-After`; doubles each time. */
    readonly baseDelayMs: number;
    /** Cap of that growing delay. */
    readonly maxDelayMs: number;
    /** Longest `Retry-After` honoured; a longer one fails the call. */
    readonly maxRetryAfterMs: number;
    /** Most attempts when no response arrives. */
    readonly maxNetworkAttempts: number;
}

export type RequestKind = "read" | "write";

/** What one failed attempt ended with, as far as repeating it is concerned. */
export type AttemptFailure =
    /** An answer that may change on its own (throttled, unavailable, replication delay). */
    | {
        readonly kind: "transient";
        /** The server said it did not process the request (429, a gateway 503 before dispatch, replication). */
        readonly notApplied: boolean;
        readonly retryAfterMs?: number;
    }
    | { readonly kind: "timeout" }
    /** No response; `sent` false when the connection was never made. */
    | { readonly kind: "network"; readonly sent: boolean }
    /** A real answer, not worth repeating. */
    | { readonly kind: "final" };

type RetryDecision =
    | { readonly retry: true; readonly delayMs: number }
    | {
        readonly retry: false;
        readonly reason: "final" | "timeout" | "attempts" | "write-may-have-applied" | "retry-after-over-budget";
        /** With "retry-after-over-budget": what the server asked for. */
        readonly retryAfterMs?: number;
    };

/** The decision after attempt number `attempt` (from 1) failed with `failure`. */
export function decideRetry(failure: AttemptFailure, kind: RequestKind, attempt: number, policy: RetryPolicy): RetryDecision {
    if (failure.kind === "final") {
        return { retry: false, reason: "final" };
    }
    if (failure.kind === "timeout") {
        return { retry: false, reason: "timeout" };
    }
    const provablyNotApplied = failure.kind === "transient" ? failure.notApplied : !failure.sent;
    if (kind === "write" && !provablyNotApplied) {
        return { retry: false, reason: "write-may-have-applied" };
    }
    const limit = failure.kind === "network" ? Math.min(policy.maxNetworkAttempts, policy.maxAttempts) : policy.maxAttempts;
    if (attempt >= limit) {
        return { retry: false, reason: "attempts" };
    }
    if (failure.kind === "transient" && failure.retryAfterMs !== undefined) {
        return failure.retryAfterMs > policy.maxRetryAfterMs
            ? { retry: false, reason: "retry-after-over-budget", retryAfterMs: failure.retryAfterMs }
            : { retry: true, delayMs: failure.retryAfterMs };
    }
    return { retry: true, delayMs: Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs) };
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110). Undefined when absent or
 * unreadable.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
    if (!header) {
        return undefined;
    }
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed)) {
        return Number(trimmed) * 1000;
    }
    const at = Date.parse(trimmed);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
