/**
 * Microsoft Graph client for the doctor and the deployer bootstrap: the Graph JavaScript SDK's pipeline
 * (`Client.initWithMiddleware`: bearer token only to Graph or `customHosts`, SDK telemetry headers) ending
 * in the project's one HTTP layer (src/http/: a time limit per attempt that covers the body too, and the
 * one retry policy, which repeats a write only when Graph provably did not apply it), and failures as
 * `MicrosoftServiceError`. Lists follow every `@odata.nextLink` page, or fail.
 */
import type { TokenCredential } from "@azure/identity";
import {
    AuthenticationHandler, AuthenticationHandlerOptions, Client, GraphClientError, ResponseType, TelemetryHandler,
    type AuthenticationProvider, type Context, type Middleware,
} from "@microsoft/microsoft-graph-client";
import type { MicrosoftEndpoints } from "./endpoints";
import { decideRetry, parseRetryAfterMs, type AttemptFailure, type RequestKind, type RetryPolicy } from "../http/retry-policy";
import { NoResponseError, timedExchange } from "../http/timed-exchange";
import { graphFix, MicrosoftServiceError } from "./service-error";
import { identityFailure } from "./identity-errors";

const DEFAULT_TIMEOUT_MS = 30_000;

const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
    maxAttempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 8_000,
    maxRetryAfterMs: 60_000,
    // An unreachable endpoint rarely recovers within seconds.
    maxNetworkAttempts: 2,
});

/** Most pages a list follows before failing: a bound against a server that links pages in a loop. */
const MAX_LIST_PAGES = 1_000;

export interface GraphClientOptions {
    readonly credential: TokenCredential;
    readonly endpoints: MicrosoftEndpoints;
    /** Tenant to ask tokens for; default: the credential's own. */
    readonly tenantId?: string;
    /** Time limit of each HTTP attempt and of each token acquisition. Default 30 s. */
    readonly timeoutMs?: number;
    readonly retryPolicy?: RetryPolicy;
    /** Waits between attempts; replaced in unit tests of the retry loop. */
    readonly sleep?: (ms: number) => Promise<void>;
}

/** Which non-success answers of a call are replication delay rather than a real answer. */
interface TransientAnswers {
    /** 404 on an object that may have just been created. */
    readonly notFound?: boolean;
    /** Other documented replication answers, e.g. 400 NoBackingApplicationObject right after creating the app. */
    readonly isReplication?: (status: number, code: string, message: string) => boolean;
}

interface GraphCallOptions {
    /** Human description used in errors, e.g. "read application <id> of stack dev". */
    readonly operation: string;
    readonly query?: Readonly<Record<string, string>>;
    readonly headers?: Readonly<Record<string, string>>;
    readonly transient?: TransientAnswers;
    /** Statuses handed back to the caller instead of thrown (after retries), e.g. 404 when "absent" is an answer. */
    readonly accept?: readonly number[];
}

interface GraphResponse<T> {
    readonly status: number;
    /** Parsed JSON body; undefined for 204 and for accepted error statuses. */
    readonly body: T | undefined;
}

interface GraphErrorBody {
    readonly error?: { readonly code?: string; readonly message?: string; readonly innerError?: { readonly "request-id"?: string } };
}

type TransportCode = "Timeout" | "NetworkError";

/**
 * A transport failure, thrown as a `GraphClientError` so the SDK passes it through unchanged. Marked by
 * properties: the SDK's constructor resets the prototype, so a subclass would not survive `instanceof`.
 */
function transportFailure(code: TransportCode, detail: string, sent: boolean): GraphClientError {
    return Object.assign(new GraphClientError(detail), { transportCode: code, sent });
}

function transportOf(err: unknown): { code: TransportCode; sent: boolean } | undefined {
    if (!(err instanceof GraphClientError)) {
        return undefined;
    }
    const marked = err as { transportCode?: TransportCode; sent?: boolean };
    return marked.transportCode === undefined ? undefined : { code: marked.transportCode, sent: marked.sent ?? true };
}

/** Last link of the middleware chain: the one HTTP layer's timed exchange, body included, failures typed. */
class TimedFetch implements Middleware {
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

/** Hands the Graph SDK the token we already acquired for this call. */
function staticToken(token: string): AuthenticationProvider {
    return { getAccessToken: () => Promise.resolve(token) };
}

export class GraphClient {
    private readonly client: Client;
    private readonly timeoutMs: number;
    private readonly retryPolicy: RetryPolicy;
    private readonly sleep: (ms: number) => Promise<void>;

    constructor(private readonly options: GraphClientOptions) {
        this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        // The SDK's own RetryHandler is left out on purpose: its waits are unbounded by our time budget and
        // it does not know replication delay. Our loop in `request` does both.
        const auth = new AuthenticationHandler(staticToken(""));
        const telemetry = new TelemetryHandler();
        const transport = new TimedFetch(this.timeoutMs);
        auth.setNext(telemetry);
        telemetry.setNext(transport);
        this.client = Client.initWithMiddleware({
            middleware: auth,
            baseUrl: options.endpoints.graphBaseUrl,
            defaultVersion: "v1.0",
            customHosts: new Set([options.endpoints.graphHost]),
        });
    }

    /** A Graph token, with a time limit; identity failures become `MicrosoftServiceError`. */
    private async acquireToken(operation: string): Promise<string> {
        const { credential, endpoints, tenantId } = this.options;
        try {
            const token = await credential.getToken(endpoints.graphScope, {
                abortSignal: AbortSignal.timeout(this.timeoutMs),
                ...(tenantId ? { tenantId } : {}),
            });
            if (!token) {
                throw new Error("the credential returned no token");
            }
            return token.token;
        } catch (err) {
            throw identityFailure(err, `get a Microsoft Graph token to ${operation}`);
        }
    }

    async request<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body: unknown,
        options: GraphCallOptions): Promise<GraphResponse<T>> {
        // Graph's PATCH sets properties (or upserts by alternate key) and DELETE removes: repeating them
        // changes nothing more, so only POST is a write that must not be repeated blindly.
        const kind: RequestKind = method === "POST" ? "write" : "read";
        for (let attempt = 1; ; attempt++) {
            const token = await this.acquireToken(options.operation);
            let failure: AttemptFailure;
            let error: MicrosoftServiceError;
            try {
                const request = this.client.api(path)
                    .responseType(ResponseType.RAW)
                    .middlewareOptions([new AuthenticationHandlerOptions(staticToken(token))]);
                if (options.query) {
                    request.query({ ...options.query });
                }
                for (const [name, value] of Object.entries(options.headers ?? {})) {
                    request.header(name, value);
                }
                const response = await this.send(request, method, body);
                if (response.ok) {
                    return { status: response.status, body: await readJson<T>(response) };
                }
                const errorBody = await readJson<GraphErrorBody>(response);
                const code = errorBody?.error?.code ?? `HTTP${response.status}`;
                const message = errorBody?.error?.message ?? response.statusText;
                failure = classify(response, code, message, options.transient);
                if (failure.kind === "final" && options.accept?.includes(response.status)) {
                    return { status: response.status, body: undefined };
                }
                error = new MicrosoftServiceError({
                    service: "Microsoft Graph", operation: options.operation, status: response.status, code,
                    detail: message, fix: graphFix(response.status, code),
                    requestId: errorBody?.error?.innerError?.["request-id"] ?? response.headers.get("request-id") ?? undefined,
                });
            } catch (err) {
                const transport = transportOf(err);
                if (transport === undefined) {
                    throw err;
                }
                failure = transport.code === "Timeout" ? { kind: "timeout" } : { kind: "network", sent: transport.sent };
                error = new MicrosoftServiceError({
                    service: "Microsoft Graph", operation: options.operation, status: undefined, code: transport.code,
                    detail: (err as Error).message, fix: graphFix(undefined, transport.code),
                });
            }
            const decision = decideRetry(failure, kind, attempt, this.retryPolicy);
            if (decision.retry) {
                await this.sleep(decision.delayMs);
                continue;
            }
            // A replication answer that outlasted the retries is an answer the caller accepts (e.g. "absent").
            if (failure.kind === "transient" && error.details.status !== undefined && options.accept?.includes(error.details.status)) {
                return { status: error.details.status, body: undefined };
            }
            if (decision.reason === "retry-after-over-budget") {
                throw new MicrosoftServiceError({
                    ...error.details,
                    detail: `${error.details.detail} Microsoft Graph asked to wait ${Math.ceil((decision.retryAfterMs ?? 0) / 1000)} s ` +
                        `(Retry-After), longer than the ${this.retryPolicy.maxRetryAfterMs / 1000} s this command waits`,
                });
            }
            throw error;
        }
    }

    private send(request: ReturnType<Client["api"]>, method: string, body: unknown): Promise<Response> {
        switch (method) {
            case "GET": return request.get() as Promise<Response>;
            case "POST": return request.post(body) as Promise<Response>;
            case "PATCH": return request.patch(body) as Promise<Response>;
            default: return request.delete() as Promise<Response>;
        }
    }

    get<T>(path: string, options: GraphCallOptions): Promise<GraphResponse<T>> {
        return this.request<T>("GET", path, undefined, options);
    }

    post<T>(path: string, body: unknown, options: GraphCallOptions): Promise<GraphResponse<T>> {
        return this.request<T>("POST", path, body, options);
    }

    patch<T>(path: string, body: unknown, options: GraphCallOptions): Promise<GraphResponse<T>> {
        return this.request<T>("PATCH", path, body, options);
    }

    /**
     * A whole collection: follows every `@odata.nextLink`. A list cut short would be reported as complete,
     * so hitting `maxPages` fails instead.
     */
    async list<T>(path: string, options: GraphCallOptions, maxPages = MAX_LIST_PAGES): Promise<T[]> {
        const items: T[] = [];
        let next: string | undefined = path;
        let query = options.query;
        for (let page = 1; next !== undefined; page++) {
            if (page > maxPages) {
                throw new MicrosoftServiceError({
                    service: "Microsoft Graph", operation: options.operation, status: undefined, code: "TooManyPages",
                    detail: `the list still had more pages after ${maxPages}; a partial list is not an answer`,
                    fix: "retry; if it persists, report the Graph request to Microsoft support",
                });
            }
            const response: GraphResponse<{ value?: T[]; "@odata.nextLink"?: string }> =
                await this.get(next, { ...options, query });
            items.push(...(response.body?.value ?? []));
            next = response.body?.["@odata.nextLink"];
            // The next link carries the whole query already.
            query = undefined;
        }
        return items;
    }
}

function classify(response: Response, code: string, message: string, transient: TransientAnswers | undefined): AttemptFailure {
    const status = response.status;
    const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"));
    // Throttling rejects a request before Graph processes it; a 503/504 may come after it did.
    if (status === 429) {
        return { kind: "transient", notApplied: true, retryAfterMs };
    }
    if (status === 503 || status === 504) {
        return { kind: "transient", notApplied: false, retryAfterMs };
    }
    // A replication answer is Graph refusing the request: nothing was applied.
    if ((status === 404 && transient?.notFound) || transient?.isReplication?.(status, code, message)) {
        return { kind: "transient", notApplied: true };
    }
    return { kind: "final" };
}

async function readJson<T>(response: Response): Promise<T | undefined> {
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
