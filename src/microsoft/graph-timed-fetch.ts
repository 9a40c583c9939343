/**
 * The last link of the Graph SDK's middleware chain: the one HTTP layer's timed exchange (src/http/), body
 * included, its failures typed so the retry middleware can tell a timeout from a refused connection.
 */
import { GraphClientError, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { NoResponseError, timedExchange } from "../http/timed-exchange";

type TransportCode = "Timeout" | "NetworkError";

/**
 * A transport failure, thrown as a `GraphClientError` so the SDK passes it through unchanged. Marked by
 * properties: the SDK's constructor resets the prototype, so a subclass would not survive `instanceof`.
 */
function transportFailure(code: TransportCode, detail: string, sent: boolean): GraphClientError {
    return Object.assign(new GraphClientError(detail), { transportCode: code, sent });
}

/** The transport failure `err` carries, if it is one. */
export function transportOf(err: unknown): { code: TransportCode; sent: boolean } | undefined {
    if (!(err instanceof GraphClientError)) {
        return undefined;
    }
    const marked = err as { transportCode?: TransportCode; sent?: boolean };
    return marked.transportCode === undefined ? undefined : { code: marked.transportCode, sent: marked.sent ?? true };
}

export class TimedFetch implements Middleware {
    constructor(private readonly timeoutMs: number) {}

    async execute(context: Context): Promise<void> {
        // The SDK types the request with the DOM library's RequestInfo, which this Node project does not load.
        const request = context.request as unknown as string;
        try {
            const answer = await timedExchange(request, { ...(context.options as RequestInit) }, this.timeoutMs);
            const empty = answer.status === 204 || answer.status === 304;
            context.response = new Response(empty ? null : answer.text, {
                status: answer.status, statusText: answer.statusText, headers: answer.headers,
            });
        } catch (err) {
            if (!(err instanceof NoResponseError)) {
                throw err;
            }
            throw err.failure.kind === "timeout"
                ? transportFailure("Timeout", `no answer within ${this.timeoutMs / 1000} s`, true)
                : transportFailure("NetworkError", err.message, err.failure.sent);
        }
    }
}
