/**
 * A local HTTPS emulator of the Microsoft identity platform's token endpoint and the Microsoft Graph calls
 * this project makes. One process, one tenant (`directory`) and as many more as `addTenant` makes: Graph
 * answers from the directory of the tenant its token was issued for. State, faults and the request log
 * are open to tests.
 *
 *   const emulator = await startEmulator();
 *   const outputs = emulator.directory.seedEnvironment({ environment: "dev" });
 *   emulator.throttleNext(2, 1);               // the next 2 Graph calls answer 429, Retry-After: 1
 *   emulator.graph.replicationDelayMs = 1500;  // created objects answer 404 for 1.5 s
 *   emulator.latencyMs = 100;                  // each Graph call takes 100 ms more
 *   emulator.failNext(1, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
 *   emulator.identity.dropTokenRequests = true; // the token endpoint closes connections unanswered
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createEmulatorCertificate, trustInThisProcess, type EmulatorCertificate } from "./certificate";
import { Directory } from "./directory";
import { routeGraph, type GraphSettings } from "./graph-routes";
import { newRequestId, sendGraphError, type Exchange } from "./http-exchange";
import { issuePersonToken, openIdConfiguration, tokenEndpoint, type IdentitySettings, type IssuedToken } from "./identity-routes";

interface LoggedRequest {
    readonly kind: "token" | "metadata" | "graph";
    readonly method: string;
    /** Path without the query, e.g. `/v1.0/applications/1234`. */
    readonly path: string;
    readonly query: string;
    readonly status: number;
    /** appId of the caller (Graph) or of the client asking for a token. */
    readonly client: string | undefined;
}

interface PendingFailure {
    remaining: number;
    readonly status: number;
    readonly code: string;
    readonly message: string;
    readonly pathIncludes: string | undefined;
}

interface PendingThrottle {
    remaining: number;
    readonly retryAfterSeconds: number;
    readonly pathIncludes: string | undefined;
}

export interface Emulator {
    readonly origin: string;
    readonly authorityHost: string;
    readonly graphBaseUrl: string;
    readonly tenantId: string;
    readonly certificate: EmulatorCertificate;
    /** The first tenant's directory, where callers and environments are seeded by default. */
    readonly directory: Directory;
    /** Another tenant (a customer's), with its own directory and Microsoft Graph service principal; default a new ID. */
    addTenant(tenantId?: string): Directory;
    readonly graph: GraphSettings;
    readonly identity: IdentitySettings;
    readonly log: LoggedRequest[];
    /** Added to every Graph call's handling time. */
    latencyMs: number;
    /** Most Graph calls in progress at the same time since the last `resetStats`. */
    readonly maxConcurrentGraphCalls: number;
    /** The next `count` Graph calls (whose path includes `pathIncludes`, when given) answer 429. */
    throttleNext(count: number, retryAfterSeconds: number, pathIncludes?: string): void;
    /** The next `count` Graph calls (whose path includes `pathIncludes`, when given) answer this error, e.g. 403. */
    failNext(count: number, status: number, code: string, message: string, pathIncludes?: string): void;
    /** Graph writes (anything but GET) logged so far. */
    graphWrites(): LoggedRequest[];
    resetStats(): void;
    /** Environment variables that point @azure/identity and our code at the emulator, as `client`. */
    environmentFor(client: { clientId: string; clientSecret: string }): Record<string, string>;
    /** A delegated Graph token for a person of the first tenant, as `az login` gets one (default scope Directory.AccessAsUser.All). */
    signInPerson(userId: string, scopes?: readonly string[]): string;
    close(): Promise<void>;
}

export async function startEmulator(): Promise<Emulator> {
    const certificate = await createEmulatorCertificate();
    trustInThisProcess(certificate.cert);
    const tenantId = randomUUID();
    const directory = new Directory(tenantId);
    const tenants = new Map<string, Directory>([[tenantId, directory]]);
    const tokens = new Map<string, IssuedToken>();
    const graph: GraphSettings = { replicationDelayMs: 0, pageSize: 100 };
    const identity: IdentitySettings = { secretPropagationMs: 0 };
    const log: LoggedRequest[] = [];
    const throttles: PendingThrottle[] = [];
    const failures: PendingFailure[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let origin = "";

    const state = { latencyMs: 0 };

    async function handle(ex: Exchange, issuedToken: IssuedToken | undefined): Promise<LoggedRequest["kind"] | undefined> {
        const tokenTenant = issuedToken?.tenantId;
        const path = ex.url.pathname;
        const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
        if (metadata && ex.method === "GET") {
            openIdConfiguration(ex, origin, metadata[1]);
            return "metadata";
        }
        const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
        if (token && ex.method === "POST") {
            if (identity.dropTokenRequests === true) {
                // An unreachable token endpoint as clients see it: the connection closes without an answer.
                ex.req.socket.destroy();
                return "token";
            }
            tokenEndpoint(ex, token[1], tenants, tokens, identity);
            return "token";
        }
        if (!path.startsWith("/v1.0/")) {
            sendGraphError(ex, 404, "NotFound", `No emulated endpoint at ${path}.`);
            return undefined;
        }
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
            if (state.latencyMs > 0) {
                await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
            }
            const failure = failures.find((f) => f.remaining > 0 && (f.pathIncludes === undefined || path.includes(f.pathIncludes)));
            if (failure) {
                failure.remaining--;
                sendGraphError(ex, failure.status, failure.code, failure.message);
                return "graph";
            }
            const throttle = throttles.find((t) => t.remaining > 0 && (t.pathIncludes === undefined || path.includes(t.pathIncludes)));
            if (throttle) {
                throttle.remaining--;
                sendGraphError(ex, 429, "TooManyRequests", "Too many requests.", { "retry-after": String(throttle.retryAfterSeconds) });
                return "graph";
            }
            routeGraph(ex, { directory: tenants.get(tokenTenant ?? tenantId) ?? directory, settings: graph, origin, callerAppId: issuedToken?.appId,
                callerPerson: issuedToken?.person },
                path.slice("/v1.0".length));
            return "graph";
        } finally {
            inFlight--;
        }
    }

    function callerOf(ex: Exchange, kind: LoggedRequest["kind"] | undefined): string | undefined {
        if (kind === "token") {
            return new URLSearchParams(ex.body).get("client_id") ?? undefined;
        }
        const auth = ex.req.headers.authorization ?? "";
        return tokens.get(auth.replace(/^Bearer /, ""))?.appId;
    }

    const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const ex: Exchange = {
                req, res, method: req.method ?? "GET", url: new URL(req.url ?? "/", origin),
                body: Buffer.concat(chunks).toString("utf8"), requestId: newRequestId(), status: 0,
            };
            const isGraph = ex.url.pathname.startsWith("/v1.0/");
            const auth = req.headers.authorization ?? "";
            const issued = tokens.get(auth.replace(/^Bearer /, ""));
            if (isGraph) {
                if (!auth.startsWith("Bearer ") || !issued || issued.expiresAt < Date.now()) {
                    sendGraphError(ex, 401, "InvalidAuthenticationToken",
                        auth === "" ? "Access token is empty." : "Access token validation failure. Invalid audience.");
                    log.push({ kind: "graph", method: ex.method, path: ex.url.pathname, query: ex.url.search, status: 401, client: undefined });
                    return;
                }
            }
            handle(ex, issued).then((kind) => {
                log.push({ kind: kind ?? "graph", method: ex.method, path: ex.url.pathname, query: ex.url.search, status: ex.status, client: callerOf(ex, kind) });
            }, (err: unknown) => {
                sendGraphError(ex, 500, "InternalServerError", `emulator failure: ${(err as Error).message}`);
            });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return {
        origin,
        authorityHost: origin,
        graphBaseUrl: origin,
        tenantId,
        certificate,
        directory,
        addTenant(id = randomUUID()) {
            const added = new Directory(id);
            tenants.set(added.tenantId, added);
            return added;
        },
        graph,
        identity,
        log,
        get latencyMs() { return state.latencyMs; },
        set latencyMs(value: number) { state.latencyMs = value; },
        get maxConcurrentGraphCalls() { return maxInFlight; },
        throttleNext(count, retryAfterSeconds, pathIncludes) {
            throttles.push({ remaining: count, retryAfterSeconds, pathIncludes });
        },
        failNext(count, status, code, message, pathIncludes) {
            failures.push({ remaining: count, status, code, message, pathIncludes });
        },
        graphWrites() {
            return log.filter((l) => l.kind === "graph" && l.method !== "GET");
        },
        resetStats() {
            log.length = 0;
            maxInFlight = 0;
        },
        environmentFor(client) {
            return {
                AZURE_AUTHORITY_HOST: origin,
                GRAPH_BASE_URL: origin,
                AZURE_TENANT_ID: tenantId,
                AZURE_CLIENT_ID: client.clientId,
                AZURE_CLIENT_SECRET: client.clientSecret,
                NODE_EXTRA_CA_CERTS: certificate.caFile,
            };
        },
        signInPerson(userId, scopes = ["Directory.AccessAsUser.All"]) {
            return issuePersonToken(tokens, tenantId, userId, scopes);
        },
        close() {
            server.closeAllConnections();
            return new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
