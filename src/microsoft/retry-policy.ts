/**
 * When to try a Microsoft Graph call again, and after how long. Pure: the caller reports what happened,
 * the policy answers with a delay or "stop". Bounded in attempts and in time so a command never hangs.
 */

export interface RetryPolicy {
    /** Most attempts per call, the first included. */
    readonly maxAttempts: number;
    /** Delay before the first retry of a replication or network failure; doubles each time. */
    readonly baseDelayMs: number;
    /** Cap of that growing delay. */
    readonly maxDelayMs: number;
    /** Longest `Retry-After` we honour; a longer one fails the call with Graph's throttling message. */
    readonly maxRetryAfterMs: number;
    /** Most attempts when no response arrives: an unreachable endpoint rarely recovers within seconds. */
    readonly maxNetworkAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
    maxAttempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 8_000,
    maxRetryAfterMs: 60_000,
    maxNetworkAttempts: 2,
});

/** What one attempt ended with, as far as retrying is concerned. */
export type AttemptFailure =
    /** 429, or 503/504 with an optional `Retry-After`. */
    | { readonly kind: "throttled"; readonly retryAfterMs: number | undefined }
    /** A documented replication-delay answer (404/409/400 right after a create) the caller marked transient. */
    | { readonly kind: "replication" }
    /** No response: connection refused or reset, DNS, timeout. */
    | { readonly kind: "network" }
    /** Anything else: a real answer, not worth repeating. */
    | { readonly kind: "final" };

/**
 * The delay before attempt `attempt + 1`, or undefined to stop. `attempt` counts from 1 (the attempt
 * that just failed).
 */
export function retryDelayMs(failure: AttemptFailure, attempt: number, policy: RetryPolicy): number | undefined {
    if (failure.kind === "final" || attempt >= policy.maxAttempts
        || (failure.kind === "network" && attempt >= policy.maxNetworkAttempts)) {
        return undefined;
    }
    const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
    if (failure.kind === "throttled") {
        if (failure.retryAfterMs === undefined) {
            return backoff;
        }
        return failure.retryAfterMs > policy.maxRetryAfterMs ? undefined : failure.retryAfterMs;
    }
    return backoff;
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
