/**
 * One HTTP exchange with one time limit that covers connecting, the status line and reading the whole
 * body: a server that stalls half-way through its body ends in the same `NoResponseError` as one that
 * never answers, never in a raw `TimeoutError`.
 */

interface HttpAnswer {
    readonly status: number;
    readonly statusText: string;
    readonly headers: Headers;
    /** The whole body as text. */
    readonly text: string;
}

/** How an exchange ended without a complete answer. */
type NoResponse =
    | { readonly kind: "timeout" }
    /**
     * A network failure. `sent` is false only when the connection was never made (refused, unknown host):
     * then the server provably received nothing.
     */
    | { readonly kind: "network"; readonly code: string | undefined; readonly sent: boolean };

export class NoResponseError extends Error {
    constructor(readonly failure: NoResponse, message: string) {
        super(message);
        this.name = "NoResponseError";
    }
}

/** Failures before a connection existed: nothing of the request reached the server. */
const NOT_SENT_CODES: readonly string[] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];

/** Sends the request and reads the whole body, all within `timeoutMs`. */
export async function timedExchange(url: string | URL, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
        const response = await fetch(url, { ...init, signal });
        const text = await response.text();
        return { status: response.status, statusText: response.statusText, headers: response.headers, text };
    } catch (err) {
        if (signal.aborted) {
            throw new NoResponseError({ kind: "timeout" }, `no complete answer within ${(timeoutMs / 1000).toFixed(1)} s`);
        }
        const code = networkCode(err);
        const sent = code === undefined || !NOT_SENT_CODES.includes(code);
        throw new NoResponseError({ kind: "network", code, sent }, code ?? "network error");
    }
}

/** fetch wraps socket errors: `TypeError("fetch failed", { cause: { code } })`. */
function networkCode(err: unknown): string | undefined {
    let current: unknown = err;
    for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
        const code = (current as { code?: unknown }).code;
        if (typeof code === "string") {
            return code;
        }
        current = (current as { cause?: unknown }).cause;
    }
    return undefined;
}
