/**
 * Microsoft Graph client for the doctor and the deployer bootstrap: the Graph JavaScript SDK's pipeline
 * (`Client.initWithMiddleware`: bearer token only to Graph or `customHosts`, SDK telemetry headers) ending
 * in our own transport with a timeout per attempt, plus our retry policy for replication delay and
 * throttling, and failures as `MicrosoftServiceError`.
 */
import type { TokenCredential } from "@azure/identity";
import {
    AuthenticationHandler, AuthenticationHandlerOptions, Client, GraphClientError, ResponseType, TelemetryHandler,
    type AuthenticationProvider, type Context, type Middleware,
} from "@microsoft/microsoft-graph-client";
import type { MicrosoftEndpoints } from "./endpoints";
import { DEFAULT_RETRY_POLICY, parseRetryAfterMs, retryDelayMs, type AttemptFailure, type RetryPolicy } from "./retry-policy";
import { graphFix, MicrosoftServiceError } from "./service-error";
import { identityFailure } from "./identity-errors";

export const DEFAULT_TIMEOUT_MS = 30_000;

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
export interface TransientAnswers {
    /** 404 on an object that may have just been created. */
    readonly notFound?: boolean;
    /** Other documented replication answers, e.g. 400 NoBackingApplicationObject right after creating the app. */
    readonly isReplication?: (status: number, code: string, message: string) => boolean;
}

export interface GraphCallOptions {
    /** Human description used in errors, e.g. "read application <id> of stack dev". */
    readonly operation: string;
    readonly query?: Readonly<Record<string, string>>;
    readonly headers?: Readonly<Record<string, string>>;
    readonly transient?: TransientAnswers;
    /** Statuses handed back to the caller instead of thrown (after retries), e.g. 404 when "absent" is an answer. */
    readonly accept?: readonly number[];
}

export interface GraphResponse<T> {
    readonly status: number;
    /** Parsed JSON body; undefined for 204 and for accepted error statuses. */
    readonly body: T | undefined;
}

interface GraphErrorBody {
    readonly error?: { readonly code?: string; readonly message?: string; readonly innerError?: { readonly "request-id"?: string } };
}

type TransportCode = "Timeout" | "NetworkError";

/**
 * A transport failure, thrown as a `GraphClientError` so the SDK passes it through unchanged. Marked by a
 * property: the SDK's constructor resets the prototype, so a subclass would not survive `instanceof`.
 */
function transportFailure(code: TransportCode, detail: string): GraphClientError {
    return Object.assign(new GraphClientError(detail), { transportCode: code });
}

function transportCodeOf(err: unknown): TransportCode | undefined {
    return err instanceof GraphClientError ? (err as { transportCode?: TransportCode }).transportCode : undefined;
}

/** Last link of the middleware chain: `fetch` with a time limit, failures typed. */
class TimedFetch implements Middleware {
    constructor(private readonly timeoutMs: number) {}

    async execute(context: Context): Promise<void> {
        const signal = AbortSignal.timeout(this.timeoutMs);
        try {
            // The SDK types the request with the DOM library's RequestInfo, which this Node project does not load.
            const request = context.request as unknown as string | Request;
            context.response = await fetch(request, { ...context.options, signal });
        } catch (err) {
            if (signal.aborted) {
                throw transportFailure("Timeout", `no answer within ${this.timeoutMs / 1000} s`);
            }
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            throw transportFailure("NetworkError", cause?.code ?? cause?.message ?? (err as Error).message);
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
                if (failure.kind === "replication" && options.accept?.includes(response.status)
                    && retryDelayMs(failure, attempt, this.retryPolicy) === undefined) {
                    return { status: response.status, body: undefined };
                }
            } catch (err) {
                const transportCode = transportCodeOf(err);
                if (transportCode === undefined) {
                    throw err;
                }
                failure = { kind: "network" };
                error = new MicrosoftServiceError({
                    service: "Microsoft Graph", operation: options.operation, status: undefined, code: transportCode,
                    detail: (err as Error).message, fix: graphFix(undefined, transportCode),
                });
            }
            const delay = retryDelayMs(failure, attempt, this.retryPolicy);
            if (delay === undefined) {
                throw error;
            }
            await this.sleep(delay);
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

    /** A collection, following `@odata.nextLink` up to `maxPages` pages so a call stays bounded. */
    async list<T>(path: string, options: GraphCallOptions, maxPages = 5): Promise<T[]> {
        const items: T[] = [];
        let next: string | undefined = path;
        let query = options.query;
        for (let page = 0; next !== undefined && page < maxPages; page++) {
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
    if (status === 429 || status === 503 || status === 504) {
        return { kind: "throttled", retryAfterMs: parseRetryAfterMs(response.headers.get("retry-after")) };
    }
    if (status === 404 && transient?.notFound) {
        return { kind: "replication" };
    }
    if (transient?.isReplication?.(status, code, message)) {
        return { kind: "replication" };
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
