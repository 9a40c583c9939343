/**
 * The one HTTP layer under the Graph client and the NocoBase client: paging to the end, a body that
 * stalls, a Retry-After beyond the budget, and a write that is not repeated after an ambiguous failure.
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
