/**
 * The one HTTP layer under the Graph client and the NocoBase client: paging to the end (the SDK's
 * PageIterator) and the page bound, a body that stalls, the retry middleware's attempts and waits, a
 * Retry-After beyond the budget, and a write that is not repeated after an ambiguous failure.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { MicrosoftServiceError } from "../../src/microsoft/service-error";
import { NocobaseClient, NocobaseError } from "../../src/nocobase/client";
import { emulatorEndpoints, emulatorGraphClient } from "./emulator/clients";
import { startEmulator, type Emulator } from "./emulator/emulator";

/** A loopback server whose handler decides everything, counting requests by method. */
async function scriptedServer(handler: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void): Promise<{ url: string; methods: string[]; close(): Promise<void> }> {
    const methods: string[] = [];
    const server: Server = createServer((req, res) => {
        methods.push(req.method ?? "");
        req.resume();
        handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        methods,
        close: () => {
            server.closeAllConnections();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}

/** Headers and the start of a JSON body, then nothing more: a stalled body. */
function stallAfterHeaders(_req: unknown, res: import("node:http").ServerResponse): void {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write('{"data": [');
}

function nocobaseClient(apiUrl: string, overrides: Partial<ConstructorParameters<typeof NocobaseClient>[0]> = {}): NocobaseClient {
    return new NocobaseClient({ apiUrl, apiToken: "test-api-key-0123456789", apiTokenHint: "(hint)", apiUrlHint: "(url hint)", ...overrides });
}

describe("one HTTP layer", () => {
    let emulator: Emulator;
    let caller: { clientId: string; clientSecret: string };

    before(async () => {
        emulator = await startEmulator();
        caller = emulator.directory.seedCaller("http layer");
    });
    after(() => emulator.close());

    it("follows every @odata.nextLink page of a Graph list", async () => {
        for (let i = 0; i < 11; i++) {
            emulator.directory.seedCaller(`paging ${i}`);
        }
        emulator.graph.pageSize = 2;
        try {
            emulator.resetStats();
            const all = await emulatorGraphClient(emulator, caller).list<{ id: string }>("/servicePrincipals", { operation: "list service principals" });
            assert.equal(all.length, emulator.directory.servicePrincipals.size);
            assert.ok(emulator.log.filter((l) => l.kind === "graph").length >= 7, "more than 5 pages were read");
        } finally {
            emulator.graph.pageSize = 100;
        }
    });

    it("fails rather than return a list cut short by the page bound", async () => {
        emulator.graph.pageSize = 1;
        try {
            const err = await emulatorGraphClient(emulator, caller).list("/servicePrincipals", { operation: "list service principals" }, 3)
                .then(() => assert.fail("expected a failure"), (e: unknown) => e);
            assert.ok(err instanceof MicrosoftServiceError);
            assert.match(err.message, /list service principals failed \(no response, TooManyPages\): the list still had more pages after 3/);
        } finally {
            emulator.graph.pageSize = 100;
        }
    });

    it("says so when Graph asks to wait longer than the budget", async () => {
        emulator.throttleNext(1, 600, "/servicePrincipals");
        const err = await emulatorGraphClient(emulator, caller).get("/servicePrincipals", { operation: "list service principals" })
            .then(() => assert.fail("expected 429"), (e: unknown) => e);
        assert.ok(err instanceof MicrosoftServiceError);
        assert.match(err.message, /Microsoft Graph asked to wait 600 s \(Retry-After\), longer than the 60 s this command waits/);
    });

    it("ends a Graph body that stalls in the named timeout error, not a raw TimeoutError", async () => {
        const server = await scriptedServer(stallAfterHeaders);
        try {
            const endpoints = { ...emulatorEndpoints(emulator), graphBaseUrl: server.url, graphHost: "127.0.0.1" };
            const graph = emulatorGraphClient(emulator, caller, { endpoints, timeoutMs: 500 });
            const err = await graph.get("/applications", { operation: "read applications" }).then(() => assert.fail("expected a timeout"), (e: unknown) => e);
            assert.ok(err instanceof MicrosoftServiceError, `got ${String(err)}`);
            assert.match(err.message, /^Microsoft Graph: read applications failed \(no response, Timeout\)/);
            assert.deepEqual(server.methods, ["GET"], "a timeout is not repeated");
        } finally {
            await server.close();
        }
    });

    /** A Graph client whose Graph is `server`, tokens from the emulator, waits recorded instead of slept. */
    function scriptedGraph(server: { url: string }, waits: number[] = []) {
        const endpoints = { ...emulatorEndpoints(emulator), graphBaseUrl: server.url, graphHost: "127.0.0.1" };
        return emulatorGraphClient(emulator, caller, {
            endpoints, sleep: (ms) => { waits.push(ms); return Promise.resolve(); },
            retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 5_000, maxNetworkAttempts: 2 },
        });
    }

    function graphError(res: import("node:http").ServerResponse, status: number, code: string, headers: Record<string, string> = {}): void {
        res.writeHead(status, { "Content-Type": "application/json", ...headers })
            .end(JSON.stringify({ error: { code, message: `scripted ${status}`, innerError: { "request-id": "req-1" } } }));
    }

    it("repeats a Graph read after 503 up to the attempt limit, with growing waits", async () => {
        const server = await scriptedServer((_req, res) => graphError(res, 503, "serviceUnavailable"));
        try {
            const waits: number[] = [];
            const err = await scriptedGraph(server, waits).get("/applications", { operation: "read applications" })
                .then(() => assert.fail("expected 503"), (e: unknown) => e);
            assert.ok(err instanceof MicrosoftServiceError, `got ${String(err)}`);
            assert.match(err.message, /^Microsoft Graph: read applications failed \(HTTP 503, serviceUnavailable\)/);
            assert.equal(err.details.requestId, "req-1");
            assert.deepEqual(server.methods, ["GET", "GET", "GET"]);
            assert.deepEqual(waits, [10, 20]);
        } finally {
            await server.close();
        }
    });

    it("does not repeat a Graph POST after 503, which may follow an applied write", async () => {
        const server = await scriptedServer((_req, res) => graphError(res, 503, "serviceUnavailable"));
        try {
            const err = await scriptedGraph(server).post("/applications", { displayName: "x" }, { operation: "create an application" })
                .then(() => assert.fail("expected 503"), (e: unknown) => e);
            assert.ok(err instanceof MicrosoftServiceError, `got ${String(err)}`);
            assert.equal(err.details.status, 503);
            assert.deepEqual(server.methods, ["POST"]);
        } finally {
            await server.close();
        }
    });

    it("repeats a Graph POST that was throttled (429: not processed), honouring Retry-After", async () => {
        let calls = 0;
        const server = await scriptedServer((_req, res) => {
            calls++;
            if (calls === 1) {
                graphError(res, 429, "TooManyRequests", { "Retry-After": "2" });
            } else {
                res.writeHead(201, { "Content-Type": "application/json" }).end('{"id":"new-id"}');
            }
        });
        try {
            const waits: number[] = [];
            const created = await scriptedGraph(server, waits).post<{ id: string }>("/applications", { displayName: "x" }, { operation: "create an application" });
            assert.deepEqual(created, { status: 201, body: { id: "new-id" } });
            assert.deepEqual(server.methods, ["POST", "POST"]);
            assert.deepEqual(waits, [2000]);
        } finally {
            await server.close();
        }
    });

    it("stops at once when Graph's Retry-After exceeds the budget, without a second request", async () => {
        const server = await scriptedServer((_req, res) => graphError(res, 429, "TooManyRequests", { "Retry-After": "30" }));
        try {
            const err = await scriptedGraph(server).get("/applications", { operation: "read applications" })
                .then(() => assert.fail("expected 429"), (e: unknown) => e);
            assert.ok(err instanceof MicrosoftServiceError, `got ${String(err)}`);
            assert.match(err.message, /asked to wait 30 s \(Retry-After\), longer than the 5 s this command waits/);
            assert.deepEqual(server.methods, ["GET"]);
        } finally {
            await server.close();
        }
    });

    it("hands back an accepted 404 after replication retries ran out, and a transient 404 counts as attempts", async () => {
        const server = await scriptedServer((_req, res) => graphError(res, 404, "Request_ResourceNotFound"));
        try {
            const absent = await scriptedGraph(server).get("/applications/x", { operation: "read", transient: { notFound: true }, accept: [404] });
            assert.deepEqual(absent, { status: 404, body: undefined });
            assert.deepEqual(server.methods, ["GET", "GET", "GET"]);
        } finally {
            await server.close();
        }
    });

    it("follows a Graph list's next links with the SDK's PageIterator and fails at the bound of a looping server", async () => {
        let page = 0;
        const consistency: Array<string | string[] | undefined> = [];
        const server = await scriptedServer((req, res) => {
            page++;
            consistency.push(req.headers.consistencylevel);
            // Every page links to another: a server that never ends its list.
            res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({
                value: [{ id: `item-${page}` }],
                "@odata.nextLink": `http://127.0.0.1:${req.socket.localPort}/v1.0/applications?$skiptoken=${page}`,
            }));
        });
        try {
            const err = await scriptedGraph(server).list("/applications", { operation: "list applications", headers: { ConsistencyLevel: "eventual" } }, 4)
                .then(() => assert.fail("expected the page bound"), (e: unknown) => e);
            assert.ok(err instanceof MicrosoftServiceError, `got ${String(err)}`);
            assert.match(err.message, /list applications failed \(no response, TooManyPages\): the list still had more pages after 4/);
            assert.equal(server.methods.length, 4, "page 5 is not requested");
            assert.deepEqual(consistency, ["eventual", "eventual", "eventual", "eventual"], "every page carries the call's headers");
        } finally {
            await server.close();
        }
    });

    it("ends a NocoBase body that stalls in the named timeout error", async () => {
        const server = await scriptedServer(stallAfterHeaders);
        try {
            const err = await nocobaseClient(`${server.url}/api`, { timeoutMs: 500 }).listVariables()
                .then(() => assert.fail("expected a timeout"), (e: unknown) => e);
            assert.ok(err instanceof NocobaseError, `got ${String(err)}`);
            assert.match(err.message, /^NocoBase did not answer listing variables within 0\.5 s/);
        } finally {
            await server.close();
        }
    });

    it("does not repeat a NocoBase write after a 502, but repeats a read", async () => {
        const server = await scriptedServer((_req, res) => res.writeHead(502, { "Content-Type": "text/plain" }).end("bad gateway"));
        try {
            const client = nocobaseClient(`${server.url}/api`, { maxAttempts: 3, initialBackoffMs: 10 });
            const write = await client.createVariable("NAME", "secret", "planted-secret-value-42").then(() => assert.fail("expected 502"), (e: unknown) => e);
            assert.ok(write instanceof NocobaseError);
            assert.match(write.message, /Not repeated: NocoBase may have applied the write/);
            assert.ok(!write.message.includes("planted-secret-value-42"));
            assert.deepEqual(server.methods, ["POST"]);
            await client.listVariables().catch(() => undefined);
            assert.deepEqual(server.methods, ["POST", "GET", "GET", "GET"]);
        } finally {
            await server.close();
        }
    });

    it("repeats a NocoBase write the gateway refused while restarting (503 APP_COMMANDING)", async () => {
        let calls = 0;
        const server = await scriptedServer((_req, res) => {
            calls++;
            if (calls === 1) {
                res.writeHead(503, { "Content-Type": "application/json" }).end('{"error":{"code":"APP_COMMANDING","message":"restarting"}}');
            } else {
                res.writeHead(200, { "Content-Type": "application/json" }).end('{"data":{"name":"NAME","type":"secret"}}');
            }
        });
        try {
            await nocobaseClient(`${server.url}/api`, { initialBackoffMs: 10 }).createVariable("NAME", "secret", "planted-secret-value-42");
            assert.deepEqual(server.methods, ["POST", "POST"]);
        } finally {
            await server.close();
        }
    });

    it("refuses an API key that expired, saying when", async () => {
        const expired = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ userId: 1, roleName: "root", exp: 1_700_000_000 })).toString("base64url")}.c2ln`;
        const server = await scriptedServer((_req, res) => res.writeHead(401, { "Content-Type": "application/json" })
            .end('{"errors":[{"message":"Unauthorized","code":"INVALID_TOKEN"}]}'));
        try {
            const err = await nocobaseClient(`${server.url}/api`, { apiToken: expired }).listVariables()
                .then(() => assert.fail("expected 401"), (e: unknown) => e);
            assert.ok(err instanceof NocobaseError);
            assert.match(err.message, /^NocoBase refused the API key \(401 INVALID_TOKEN\) when listing variables at .*: the key expired on 2023-11-14T22:13:20\.000Z\. Fix: create a new API key/);
            assert.ok(!err.message.includes(expired));
        } finally {
            await server.close();
        }
    });
});
