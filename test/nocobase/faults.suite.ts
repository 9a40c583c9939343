/**
 * Faults: NocoBase stopped, a wrong API key, a role without rights, a server slower than the timeout,
 * and the 503 of a restart. Each ends in the expected clear error or in recovery, with no credential in
 * any message.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { api, createApiKey, runningNocobase, signIn } from "../nocobase-server/harness";
import {
    RequestCounter, assertNoCredentials, configuredProvider, failureOf, inputsFor, rotated, storedVariable,
} from "./support";

const FAST_RETRIES = { initialBackoffMs: 50, maxAttempts: 4 };

/** A port on loopback where nothing listens: what a stopped NocoBase looks like to a client. */
async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

/** A TCP proxy to NocoBase that holds every answer back for `delayMs`. */
async function slowProxy(target: URL, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream);
        upstream.on("data", (chunk: Buffer) => setTimeout(() => client.writable && client.write(chunk), delayMs));
        const closeBoth = () => {
            client.destroy();
            upstream.destroy();
        };
        client.on("error", closeBoth).on("close", closeBoth);
        upstream.on("error", closeBoth);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    return {
        url: `http://127.0.0.1:${port}/api`,
        close: async () => {
            for (const socket of sockets) {
                socket.destroy();
            }
            await new Promise((resolve) => server.close(resolve));
        },
    };
}

/**
 * An API key of a new role with the given ACL snippets, held by a new user that has only that role
 * (NocoBase issues keys only for roles the signed-in user holds).
 */
async function apiKeyForRole(role: string, snippets: string[]): Promise<string> {
    const server = runningNocobase();
    const rootToken = await signIn(server.apiUrl, server.rootAccount, server.rootPassword);
    await api(server.apiUrl, "roles:create", rootToken, { name: role, title: role, snippets: [...snippets, "pm.api-keys.configuration"] });
    const password = `Pw-${crypto.randomUUID()}`;
    await api(server.apiUrl, "users:create", rootToken, { username: role, email: `${role}@example.com`, password, roles: [role] });
    const userToken = await signIn(server.apiUrl, role, password);
    return createApiKey(server.apiUrl, userToken, role, `${role} key`);
}

describe("NocoBase faults", () => {
    it("fails clearly when NocoBase is not running, after bounded retries", async () => {
        const counter = new RequestCounter();
        const provider = await configuredProvider(runningNocobase().rootApiKey, { ...FAST_RETRIES, onRequest: counter.onRequest });
        const inputs = inputsFor("stopped", { apiUrl: `http://127.0.0.1:${await closedPort()}/api` });

        const message = await failureOf(() => provider.create(inputs));

        assert.match(message, /Could not reach NocoBase at http:\/\/127\.0\.0\.1:\d+\/api for listing variables \(ECONNREFUSED\)/);
        assert.match(message, /Fix: start NocoBase, or correct the stack config nocobase-entra-mail:nocobaseApiUrl/);
        assert.match(message, /gave up after 4 attempts/);
        assert.equal(counter.events.length, 4);
        assertNoCredentials(message, [inputs.clientSecret, runningNocobase().rootApiKey]);
    });

    it("refuses a wrong API key at once, naming the config key to set", async () => {
        const wrongKey = `${runningNocobase().rootApiKey.slice(0, -6)}AAAAAA`;
        const counter = new RequestCounter();
        const provider = await configuredProvider(wrongKey, { onRequest: counter.onRequest });
        const inputs = inputsFor("badkey");

        const message = await failureOf(() => provider.create(inputs));

        assert.match(message, /^NocoBase refused the API key \(401 INVALID_TOKEN\) when listing variables/);
        assert.match(message, /pulumi config set --secret nocobase-entra-mail:nocobaseApiToken <API key>/);
        assert.equal(counter.events.length, 1, "a 401 is not retried");
        assertNoCredentials(message, [inputs.clientSecret, wrongKey, runningNocobase().rootApiKey]);
    });

    it("fails when no API key is configured, before any request", async () => {
        const saved = process.env.NOCOBASE_API_TOKEN;
        delete process.env.NOCOBASE_API_TOKEN;
        try {
            const counter = new RequestCounter();
            const provider = await configuredProvider("", { onRequest: counter.onRequest });
            const message = await failureOf(() => provider.create(inputsFor("nokey")));
            assert.match(message, /No NocoBase API key.*pulumi config set --secret nocobase-entra-mail:nocobaseApiToken/);
            assert.equal(counter.events.length, 0);
        } finally {
            if (saved !== undefined) {
                process.env.NOCOBASE_API_TOKEN = saved;
            }
        }
    });

    it("names the missing permission when the key's role may not manage variables", async () => {
        const key = await apiKeyForRole("no_variables", []);
        const provider = await configuredProvider(key);
        const inputs = inputsFor("norights");

        const message = await failureOf(() => provider.create(inputs));

        assert.match(message, /^NocoBase denied creating secret \S+ at .* \(403\): the API key's role may not manage Variables and secrets/);
        assert.match(message, /pm\.environment-variables/);
        assert.equal(await storedVariable(inputs.clientIdVariable), undefined);
        assertNoCredentials(message, [inputs.clientSecret, key]);
    });

    it("works with a least-privilege key whose role may only manage Variables and secrets", async () => {
        const key = await apiKeyForRole("mail_variables", ["pm.environment-variables"]);
        const provider = await configuredProvider(key);
        const inputs = inputsFor("leastprivilege");

        const { id, outs } = await provider.create(inputs);
        const rotatedInputs = rotated(inputs);
        await provider.update(id, outs, rotatedInputs);
        const read = await provider.read(id, { ...(outs), clientSecretKeyId: rotatedInputs.clientSecretKeyId });
        assert.equal(read.props?.clientSecretKeyId, rotatedInputs.clientSecretKeyId);
        await provider.delete(id, outs);

        assert.equal(await storedVariable(inputs.clientSecretVariable), undefined);
    });

    describe("with a server slower than the timeout", () => {
        let proxy: { url: string; close(): Promise<void> };
        before(async () => {
            proxy = await slowProxy(new URL(runningNocobase().apiUrl), 3_000);
        });
        after(async () => {
            await proxy.close();
        });

        it("gives up after the timeout with a clear message", async () => {
            const provider = await configuredProvider(runningNocobase().rootApiKey, { timeoutMs: 1_000 });
            const inputs = inputsFor("slow", { apiUrl: proxy.url });
            const started = Date.now();

            const message = await failureOf(() => provider.create(inputs));

            assert.ok(Date.now() - started < 2_500, "a timeout is not retried");
            assert.match(message, /^NocoBase did not answer listing variables within 1\.0 s at http:\/\/127\.0\.0\.1:\d+\/api\. Fix: check that NocoBase is running/);
            assertNoCredentials(message, [inputs.clientSecret, runningNocobase().rootApiKey]);
        });
    });

    it("rides out the 503 of a NocoBase restart and then succeeds", async () => {
        const counter = new RequestCounter();
        const provider = await configuredProvider(runningNocobase().rootApiKey, { onRequest: counter.onRequest });
        const inputs = inputsFor("restart");
        const { id, outs } = await provider.create(inputs);
        const rotatedInputs = rotated(inputs);
        counter.reset();

        await api(runningNocobase().apiUrl, "app:refresh", runningNocobase().rootApiKey, {});
        await provider.update(id, outs, rotatedInputs);

        const first = counter.events[0];
        assert.equal(first.outcome, 503, "the update started while NocoBase was restarting");
        assert.ok(counter.events.some((e) => e.kind === "write" && e.outcome === 200));
        assert.equal((await storedVariable(inputs.clientSecretVariable))?.type, "secret");
    });
});
