/**
 * The Graph SDK middleware that carries the project's one retry policy (src/http/retry-policy.ts) and turns
 * every failed Graph call into a `MicrosoftServiceError`. What a call may do travels with it as a
 * `GraphCallControl` (the SDK's `middlewareOptions`): its operation for errors, which answers are
 * replication delay, which statuses the caller takes as answers, and for a list the page bound.
 *
 * Graph rejects a throttled request (429) before processing it; a 503/504 may come after it did, so a
 * POST, Graph's one write that is not idempotent, is not repeated after one. A replication answer is Graph
 * refusing the request: nothing was applied.
 */
import { GraphClientError, type Context, type Middleware, type MiddlewareOptions } from "@microsoft/microsoft-graph-client";
import { decideRetry, parseRetryAfterMs, type AttemptFailure, type RetryPolicy } from "../http/retry-policy";
import { transportOf } from "./graph-timed-fetch";
import { graphFix, MicrosoftServiceError } from "./service-error";

/** Which non-success answers of a call are replication delay rather than a real answer. */
export interface TransientAnswers {
    /** 404 on an object that may have just been created. */
    readonly notFound?: boolean;
    /** Other documented replication answers, e.g. 400 NoBackingApplicationObject right after creating the app. */
    readonly isReplication?: (status: number, code: string, message: string) => boolean;
}

interface CallRules {
    /** Human description used in errors, e.g. "read application <id> of stack dev". */
    readonly operation: string;
    readonly transient?: TransientAnswers;
    /** Statuses handed back to the caller instead of thrown (after retries), e.g. 404 when "absent" is an answer. */
    readonly accept?: readonly number[];
    /** Most requests under this control: the pages of a list. One more fails instead of being sent. */
    readonly pageBound?: number;
}

/** The rules of one Graph call (a list's pages share one), read by `GraphRetryMiddleware`. */
export class GraphCallControl implements MiddlewareOptions {
    /** Requests sent under this control so far, retries not counted. */
    requests = 0;

    constructor(readonly rules: CallRules) {}
}

interface GraphErrorBody {
    readonly error?: { readonly code?: string; readonly message?: string; readonly innerError?: { readonly "request-id"?: string } };
}

/** A `MicrosoftServiceError` thrown through the SDK, which passes a `GraphClientError` on unchanged. */
function carrying(error: MicrosoftServiceError): GraphClientError {
    return Object.assign(new GraphClientError(error.message), { serviceError: error });
}

/** The `MicrosoftServiceError` a failure thrown through the SDK carries, if any. */
export function serviceErrorOf(err: unknown): MicrosoftServiceError | undefined {
    return err instanceof GraphClientError ? (err as { serviceError?: MicrosoftServiceError }).serviceError : undefined;
}

export class GraphRetryMiddleware implements Middleware {
    private next: Middleware | undefined;

    constructor(private readonly policy: RetryPolicy, private readonly sleep: (ms: number) => Promise<void>) {}

    setNext(next: Middleware): void {
        this.next = next;
    }

    async execute(context: Context): Promise<void> {
        const control = context.middlewareControl?.getMiddlewareOptions(GraphCallControl) as GraphCallControl | undefined;
        if (control === undefined || this.next === undefined) {
            throw new GraphClientError("a Graph request was sent without its GraphCallControl");
        }
        const rules = control.rules;
        control.requests++;
        if (rules.pageBound !== undefined && control.requests > rules.pageBound) {
            // A list cut short would be reported as complete.
            throw carrying(new MicrosoftServiceError({
                service: "Microsoft Graph", operation: rules.operation, status: undefined, code: "TooManyPages",
                detail: `the list still had more pages after ${rules.pageBound}; a partial list is not an answer`,
                fix: "retry; if it persists, report the Graph request to Microsoft support",
            }));
        }
        // Graph's PATCH sets properties (or upserts by alternate key) and DELETE removes: repeating them
        // changes nothing more, so only POST is a write that must not be repeated blindly.
        const kind = context.options?.method === "POST" ? "write" : "read";
        for (let attempt = 1; ; attempt++) {
            let failure: AttemptFailure;
            let error: MicrosoftServiceError;
            try {
                await this.next.execute(context);
                const response = context.response as Response;
                if (response.ok) {
                    return;
                }
                ({ failure, error } = await answerFailure(response, rules));
                if (failure.kind === "final" && rules.accept?.includes(response.status)) {
                    return;
                }
            } catch (err) {
                const transport = transportOf(err);
                if (transport === undefined) {
                    throw err;
                }
                failure = transport.code === "Timeout" ? { kind: "timeout" } : { kind: "network", sent: transport.sent };
                error = new MicrosoftServiceError({
                    service: "Microsoft Graph", operation: rules.operation, status: undefined, code: transport.code,
                    detail: (err as Error).message, fix: graphFix(undefined, transport.code),
                });
            }
            const decision = decideRetry(failure, kind, attempt, this.policy);
            if (decision.retry) {
                await this.sleep(decision.delayMs);
                continue;
            }
            // A replication answer that outlasted the retries is an answer the caller accepts (e.g. "absent").
            if (failure.kind === "transient" && error.details.status !== undefined && rules.accept?.includes(error.details.status)) {
                return;
            }
            if (decision.reason === "retry-after-over-budget") {
                throw carrying(new MicrosoftServiceError({
                    ...error.details,
                    detail: `${error.details.detail} Microsoft Graph asked to wait ${Math.ceil((decision.retryAfterMs ?? 0) / 1000)} s ` +
                        `(Retry-After), longer than the ${this.policy.maxRetryAfterMs / 1000} s this command waits`,
                }));
            }
            throw carrying(error);
        }
    }
}

/** A non-success answer: how the retry policy sees it, and the error it is if it stays. */
async function answerFailure(response: Response, rules: CallRules): Promise<{ failure: AttemptFailure; error: MicrosoftServiceError }> {
    // A clone: an accepted answer reaches the caller with its body unread.
    const errorBody = await readJson<GraphErrorBody>(response.clone());
    const code = errorBody?.error?.code ?? `HTTP${response.status}`;
    const message = errorBody?.error?.message ?? response.statusText;
    return {
        failure: classify(response, code, message, rules.transient),
        error: new MicrosoftServiceError({
            service: "Microsoft Graph", operation: rules.operation, status: response.status, code,
            detail: message, fix: graphFix(response.status, code),
            requestId: errorBody?.error?.innerError?.["request-id"] ?? response.headers.get("request-id") ?? undefined,
        }),
    };
}

function classify(response: Response, code: string, message: string, transient: TransientAnswers | undefined): AttemptFailure {
    const status = response.status;
    const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"));
    if (status === 429) {
        return { kind: "transient", notApplied: true, retryAfterMs };
    }
    if (status === 503 || status === 504) {
        return { kind: "transient", notApplied: false, retryAfterMs };
    }
    if ((status === 404 && transient?.notFound) || transient?.isReplication?.(status, code, message)) {
        return { kind: "transient", notApplied: true };
    }
    return { kind: "final" };
}

export async function readJson<T>(response: Response): Promise<T | undefined> {
    const text = await response.text();
    if (text === "") {
        return undefined;
    }
    try {
        return JSON.parse(text) as T;
    } catch {
        return undefined;
    }
}
