/**
 * Microsoft Graph client for the doctor, the adoption preflight and the deployer bootstrap, built the way
 * Microsoft's samples use the Graph JavaScript SDK: `Client.initWithMiddleware` with the
 * `TokenCredentialAuthenticationProvider` over the @azure/identity credential (bearer token only to Graph or
 * `customHosts`), the SDK's telemetry headers, and `PageIterator` for lists. Ours in the chain: the one
 * retry policy (graph-retry-middleware.ts, which also makes every failure a `MicrosoftServiceError`) and
 * the one HTTP layer's timed exchange as the last link (graph-timed-fetch.ts).
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import {
    AuthenticationHandler, Client, GraphClientError, PageIterator, ResponseType, TelemetryHandler,
    type GraphRequest, type PageCollection,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import type { MicrosoftEndpoints } from "./endpoints";
import type { RetryPolicy } from "../http/retry-policy";
import { GraphCallControl, GraphRetryMiddleware, readJson, serviceErrorOf, type TransientAnswers } from "./graph-retry-middleware";
import { TimedFetch } from "./graph-timed-fetch";
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
    /** Cached per tenant by the caller (tenant-token-cache.ts). */
    readonly credential: TokenCredential;
    readonly endpoints: MicrosoftEndpoints;
    /** Tenant to ask tokens for; default: the credential's own. */
    readonly tenantId?: string;
    /** Time limit of each HTTP attempt and of each token acquisition. Default 30 s. */
    readonly timeoutMs?: number;
    readonly retryPolicy?: RetryPolicy;
    /** Waits between attempts; replaced in tests of the retry middleware. */
    readonly sleep?: (ms: number) => Promise<void>;
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

/** An identity failure thrown through the SDK (as a `GraphClientError`, which it passes on unchanged). */
function identityCauseOf(err: unknown): { cause: unknown } | undefined {
    return err instanceof GraphClientError && "identityCause" in err ? { cause: err.identityCause } : undefined;
}

/**
 * The credential as the SDK's provider calls it: for our tenant, with a time limit per acquisition (the
 * provider's options are fixed at construction, and a timeout signal must start with each request).
 */
function graphCredential(credential: TokenCredential, tenantId: string | undefined, timeoutMs: number): TokenCredential {
    return {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            try {
                const token = await credential.getToken(scopes, {
                    ...options, abortSignal: AbortSignal.timeout(timeoutMs), ...(tenantId ? { tenantId } : {}),
                });
                if (!token) {
                    throw new Error("the credential returned no token");
                }
                return token;
            } catch (err) {
                throw Object.assign(new GraphClientError("no Microsoft Graph token"), { identityCause: err });
            }
        },
    };
}

export class GraphClient {
    private readonly client: Client;

    constructor(options: GraphClientOptions) {
        const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        const auth = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(
            graphCredential(options.credential, options.tenantId, timeoutMs), { scopes: [options.endpoints.graphScope] }));
        // Telemetry before the retries: it appends its SdkVersion header, which a repeat would append again.
        const telemetry = new TelemetryHandler();
        // The SDK's RetryHandler is left out: it repeats a POST after a 503/504 that may follow an applied
        // write, knows no replication answers, and waits any Retry-After however long; ours does not.
        const retry = new GraphRetryMiddleware(options.retryPolicy ?? DEFAULT_RETRY_POLICY,
            options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))));
        auth.setNext(telemetry);
        telemetry.setNext(retry);
        retry.setNext(new TimedFetch(timeoutMs));
        this.client = Client.initWithMiddleware({
            middleware: auth,
            baseUrl: options.endpoints.graphBaseUrl,
            defaultVersion: "v1.0",
            customHosts: new Set([options.endpoints.graphHost]),
        });
    }

    private prepare(path: string, options: GraphCallOptions, control: GraphCallControl): GraphRequest {
        const request = this.client.api(path).middlewareOptions([control]);
        if (options.query) {
            request.query({ ...options.query });
        }
        return request.headers({ ...options.headers });
    }

    /** What a failure thrown through the SDK is for the caller: the service error it carries. */
    private failure(err: unknown, operation: string): unknown {
        const identity = identityCauseOf(err);
        if (identity !== undefined) {
            return identityFailure(identity.cause, `get a Microsoft Graph token to ${operation}`);
        }
        return serviceErrorOf(err) ?? err;
    }

    async request<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body: unknown,
        options: GraphCallOptions): Promise<GraphResponse<T>> {
        const request = this.prepare(path, options, new GraphCallControl(options)).responseType(ResponseType.RAW);
        try {
            const response = await send(request, method, body);
            // A non-success status here is one the caller accepts; its body is not the caller's type.
            return { status: response.status, body: response.ok ? await readJson<T>(response) : undefined };
        } catch (err) {
            throw this.failure(err, options.operation);
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
     * A whole collection: the SDK's `PageIterator` follows every `@odata.nextLink` (which carries the whole
     * query). A list cut short would be reported as complete, so requesting page `maxPages + 1` fails instead.
     */
    async list<T>(path: string, options: Omit<GraphCallOptions, "accept">, maxPages = MAX_LIST_PAGES): Promise<T[]> {
        const control = new GraphCallControl({ ...options, pageBound: maxPages });
        const items: T[] = [];
        try {
            const first = await this.prepare(path, options, control).get() as PageCollection;
            const pages = new PageIterator(this.client, first, (item: T) => {
                items.push(item);
                return true;
            }, { headers: { ...options.headers }, middlewareOptions: [control] });
            await pages.iterate();
        } catch (err) {
            throw this.failure(err, options.operation);
        }
        return items;
    }
}

function send(request: GraphRequest, method: string, body: unknown): Promise<Response> {
    switch (method) {
        case "GET": return request.get() as Promise<Response>;
        case "POST": return request.post(body) as Promise<Response>;
        case "PATCH": return request.patch(body) as Promise<Response>;
        default: return request.delete() as Promise<Response>;
    }
}
