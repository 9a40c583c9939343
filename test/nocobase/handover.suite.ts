/**
 * The shared hand-over against the real NocoBase and the HTTPS emulator of Microsoft's token endpoint:
 * proof before hand-over (replication waited out; past the bound NocoBase keeps its secret), the restart
 * decided by NocoBase (a lost restart finished by the next run), and servers that are not NocoBase's API
 * or echo what they were sent. Secrets are planted in every failure path and searched for in all output.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runningNocobase, sql } from "../nocobase-server/harness";
import { startFaultProxy } from "./fault-proxy";
import {
    RequestCounter, assertNoCredentials, configuredProvider, failureOf, inputsFor, newSecretOf, outputsFor, rootClient, rotated,
    runningEmulator, runPush, storedVariable, tokenRequestsFor,
} from "./support";

async function storedSecret(name: string): Promise<string> {
    const [value] = await sql(runningNocobase(), `SELECT value FROM "environmentVariables" WHERE name = '${name}'`);
    return value;
}

describe("hand-over: proof at Microsoft before NocoBase", () => {
    it("waits until the token endpoint accepts a new secret, then hands it over", async () => {
        const emulator = runningEmulator();
        const counter = new RequestCounter();
        const provider = await configuredProvider(runningNocobase().rootApiKey, {
            onRequest: counter.onRequest, proof: { firstDelayMs: 500, maxDelayMs: 2_000, boundMs: 30_000 },
        });
        const inputs = inputsFor("replication");
        const { id, outs } = await provider.create(inputs);
        emulator.identity.secretPropagationMs = 4_000;
        try {
            const next = rotated(inputs);
            counter.reset();
            const tokenRequestsBefore = tokenRequestsFor(inputs.clientId);
            const started = Date.now();
            await provider.update(id, outs, next);
            const elapsed = Date.now() - started;
            const untilFirstWrite = (counter.firstWriteAt() ?? Date.now()) - started;
            const tokenRequests = tokenRequestsFor(inputs.clientId) - tokenRequestsBefore;
            assert.ok(tokenRequests >= 3, `expected refusals before the acceptance, got ${tokenRequests} token requests`);
            assert.ok(untilFirstWrite >= 4_000, "NocoBase was written before the secret had replicated");
            assert.equal((await storedVariable(`${inputs.clientSecretVariable}_KEY_ID`))?.value, next.clientSecretKeyId);
            console.log(`replication wait (emulator, 4 s propagation): ${tokenRequests} token requests, first NocoBase write after ` +
                `${untilFirstWrite} ms, rotation done in ${elapsed} ms; nocobase requests: ${counter.summary()}`);
        } finally {
            emulator.identity.secretPropagationMs = 0;
        }
    });

    it("fails past the bound naming Microsoft, the key ID and the fix, and NocoBase keeps its secret", async () => {
        const emulator = runningEmulator();
        const counter = new RequestCounter();
        const apiKey = runningNocobase().rootApiKey;
        const provider = await configuredProvider(apiKey, { onRequest: counter.onRequest, proof: { firstDelayMs: 300, boundMs: 2_000 } });
        const inputs = inputsFor("bound");
        const { id, outs } = await provider.create(inputs);
        const before = await storedSecret(inputs.clientSecretVariable);
        emulator.identity.secretPropagationMs = 600_000;
        try {
            const next = rotated(inputs);
            counter.reset();
            const message = await failureOf(() => provider.update(id, outs, next));
            assert.match(message, new RegExp(`^Microsoft identity platform did not accept the client secret with key ID ${next.clientSecretKeyId} ` +
                `of application ${inputs.clientId} in tenant ${inputs.tenantId} after \\d+ requests over \\d+ s \\(the bound is 2 s\\): AADSTS7000215`));
            assert.match(message, /NocoBase was not changed and keeps its current secret\. Fix: .*run pulumi up again later/);
            assert.equal(counter.writes, 0, "nothing was written to NocoBase");
            assert.equal(await storedSecret(inputs.clientSecretVariable), before);
            assert.equal((await storedVariable(`${inputs.clientSecretVariable}_KEY_ID`))?.value, inputs.clientSecretKeyId);
            assertNoCredentials(message, [next.clientSecret, inputs.clientSecret, apiKey]);
        } finally {
            emulator.identity.secretPropagationMs = 0;
        }
    });

    it("push-to-nocobase refuses a secret Microsoft reports expired, leaving NocoBase on its secret", async () => {
        const server = runningNocobase();
        const outputs = outputsFor("pushexpired");
        const first = await runPush([], JSON.stringify(outputs), { NOCOBASE_API_TOKEN: server.rootApiKey });
        assert.equal(first.code, 0, first.stderr);
        const directory = runningEmulator().directory;
        const next = newSecretOf(outputs.clientId);
        const credential = directory.findApplicationByAppId(outputs.clientId)?.passwordCredentials.find((p) => p.keyId === next.clientSecretKeyId);
        assert.ok(credential);
        credential.endDateTime = new Date(Date.now() - 1000).toISOString();
        const before = await storedSecret(outputs.nocobaseClientSecretVariable);

        const run = await runPush([], JSON.stringify({ ...outputs, ...next }), { NOCOBASE_API_TOKEN: server.rootApiKey });

        assert.equal(run.code, 1);
        assert.match(run.stderr, new RegExp(`Microsoft identity platform did not accept the client secret with key ID ${next.clientSecretKeyId}.*AADSTS7000222`));
        assert.match(run.stderr, /NocoBase was not changed and keeps its current secret.*run nocobase-entra-mail push-to-nocobase again/);
        assert.equal(await storedSecret(outputs.nocobaseClientSecretVariable), before);
        assertNoCredentials(run.stdout + run.stderr, [outputs.clientSecret, next.clientSecret, server.rootApiKey]);
    });
});

describe("hand-over: restart decided by NocoBase", () => {
    it("finishes a lost restart on the next run of push-to-nocobase, and then writes nothing", async () => {
        const server = runningNocobase();
        const outputs = outputsFor("lostrestart");
        const env = { NOCOBASE_API_TOKEN: server.rootApiKey };
        assert.equal((await runPush([], JSON.stringify(outputs), env)).code, 0);
        let refreshes = 0;
        const proxy = await startFaultProxy(server.apiUrl, (request) =>
            request.action.startsWith("app:refresh") && refreshes++ === 0 ? { status: 502, type: "text/html", body: "<html>Bad gateway</html>" } : undefined);
        try {
            const next = { ...outputs, ...newSecretOf(outputs.clientId) };
            const lost = await runPush(["--api-url", proxy.apiUrl], JSON.stringify(next), env);
            assert.equal(lost.code, 1);
            assert.match(lost.stderr, /restarting the NocoBase application \(app:refresh\).*502.*Not repeated: NocoBase may have applied the write/);
            assert.equal((await rootClient().listVariables()).restartPending, true, "NocoBase reports the unapplied change");

            const rerun = await runPush([], JSON.stringify(next), env);
            assert.equal(rerun.code, 0, rerun.stderr);
            assert.match(rerun.stdout, /unchanged \(secret, key ID/);
            assert.match(rerun.stdout, /NocoBase reported unapplied changes \(a restart was lost\): restarted it/);
            assert.match(rerun.stdout, /nocobase requests: reads=\d+ writes=1 /, "only the restart is written");
            assert.equal((await rootClient().listVariables()).restartPending, false);

            const idle = await runPush([], JSON.stringify(next), env);
            assert.match(idle.stdout, /nocobase requests: reads=1 writes=0 /);
            for (const run of [lost, rerun, idle]) {
                assertNoCredentials(run.stdout + run.stderr, [outputs.clientSecret, next.clientSecret, server.rootApiKey]);
            }
        } finally {
            await proxy.close();
        }
    });

    it("finishes a lost restart on the provider's next update", async () => {
        const server = runningNocobase();
        let refreshes = 0;
        const proxy = await startFaultProxy(server.apiUrl, (request) =>
            // The create's restart goes through; the rotation's is lost.
            request.action.startsWith("app:refresh") && refreshes++ === 1 ? { status: 504, type: "text/plain", body: "timeout" } : undefined);
        try {
            const counter = new RequestCounter();
            const provider = await configuredProvider(server.rootApiKey, { onRequest: counter.onRequest });
            const inputs = inputsFor("providerlost", { apiUrl: proxy.apiUrl });
            const { id, outs } = await provider.create(inputs);
            const next = rotated(inputs);
            await failureOf(() => provider.update(id, outs, next));
            const refreshed = await provider.read(id, outs);
            assert.equal(refreshed.props?.clientSecretKeyId, "", "refresh shows that NocoBase does not hold the recorded secret");
            counter.reset();
            await provider.update(id, outs, next);
            assert.deepEqual(counter.events.filter((e) => e.kind === "write").map((e) => e.operation), ["restarting the NocoBase application (app:refresh)"]);
            assert.equal((await rootClient().listVariables()).restartPending, false);
        } finally {
            await proxy.close();
        }
    });
});

describe("hand-over: only to NocoBase's API", () => {
    it("refuses a web page answered with HTTP 200 where the API was expected, before sending any secret", async () => {
        const proxy = await startFaultProxy(runningNocobase().apiUrl, () => ({ status: 200, type: "text/html", body: "<!doctype html><html><body>NocoBase</body></html>" }));
        try {
            const provider = await configuredProvider(runningNocobase().rootApiKey);
            const inputs = inputsFor("htmlpage", { apiUrl: proxy.apiUrl });
            const message = await failureOf(() => provider.create(inputs));
            assert.match(message, /^The server at http:\/\/127\.0\.0\.1:\d+\/api did not answer listing variables as NocoBase's API does \(HTTP 200, text\/html/);
            assert.match(message, /nothing was written to it\. Fix: set the stack config nocobase-entra-mail:nocobaseApiUrl .*public path/);
            assert.deepEqual(proxy.requests.map((r) => r.method), ["GET"], "no request carried a body");
            assertNoCredentials(message, [inputs.clientSecret, runningNocobase().rootApiKey]);
        } finally {
            await proxy.close();
        }
    });

    it("never quotes a secret a gateway echoes back, even one cut by the length limit", async () => {
        const proxy = await startFaultProxy(runningNocobase().apiUrl, (request, body) =>
            request.method === "POST" && request.action.startsWith("environmentVariables:")
                // Placed so that the secret straddles the 200-character limit of a quote.
                ? { status: 500, type: "text/plain", body: `${"x".repeat(Math.max(1, 176 - body.indexOf('"value":"') - 9))} request was: ${body}` } : undefined);
        try {
            const provider = await configuredProvider(runningNocobase().rootApiKey, { maxAttempts: 1 });
            const inputs = inputsFor("echo", { apiUrl: proxy.apiUrl });
            const message = await failureOf(() => provider.create(inputs));
            assert.match(message, /^NocoBase failed creating secret \S+ at .* \(500: x+ request was: \{"name":"/);
            assertNoCredentials(message, [inputs.clientSecret.slice(0, 8), runningNocobase().rootApiKey]);
        } finally {
            await proxy.close();
        }
    });
});
