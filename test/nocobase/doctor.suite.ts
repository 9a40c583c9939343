/**
 * `nocobase-entra-mail doctor --nocobase` against the real NocoBase (and the emulated Microsoft tenant for the
 * registration checks): a stale key ID, a pending restart and an expiring API key are reported; after a
 * correct hand-over the environment is healthy. Neither the API key nor a secret is ever printed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { api, runningNocobase, signIn } from "../nocobase-server/harness";
import { startFaultProxy } from "./fault-proxy";
import { assertNoCredentials, newSecretOf, outputsFor, rootClient, runPush, runScript, runningEmulator, type Run } from "./support";

async function apiKeyValidFor(expiresIn: string): Promise<string> {
    const server = runningNocobase();
    const token = await signIn(server.apiUrl, server.rootAccount, server.rootPassword);
    const body = await api(server.apiUrl, "apiKeys:create", token, { name: `doctor ${expiresIn}`, role: { name: "root" }, expiresIn });
    return (body.data as { token: string }).token;
}

function doctor(outputs: object, apiKey: string, args: string[] = []): Promise<Run> {
    const emulator = runningEmulator();
    const caller = emulator.directory.seedCaller("doctor");
    return runScript("doctor", ["--nocobase", "--json", ...args, "-"], JSON.stringify(outputs), {
        ...emulator.environmentFor(caller), NOCOBASE_API_TOKEN: apiKey,
    });
}

/** The NocoBase findings; `all` includes the Microsoft-side ones. */
function codesOf(run: Run, all = false): string[] {
    const report = JSON.parse(run.stdout) as { environments: Array<{ findings: Array<{ code: string }>; error?: string }> };
    const [environment] = report.environments;
    assert.equal(environment.error, undefined, environment.error);
    return environment.findings.map((f) => f.code).filter((code) => all || code.startsWith("nocobase-")).sort();
}

describe("doctor --nocobase", () => {
    it("reports a stale key ID, a pending restart and an expiring API key, and is healthy after a correct hand-over", async () => {
        const server = runningNocobase();
        const longKey = await apiKeyValidFor("90d");
        const outputs = outputsFor("doctor");
        assert.equal((await runPush([], JSON.stringify(outputs), { NOCOBASE_API_TOKEN: longKey })).code, 0);

        const healthy = await doctor(outputs, longKey);
        assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
        assert.deepEqual(codesOf(healthy, true), []);

        // The harness's root key expires in a day.
        const expiring = await doctor(outputs, server.rootApiKey, ["--warn-days", "30"]);
        assert.equal(expiring.code, 1);
        assert.deepEqual(codesOf(expiring), ["nocobase-api-key-expiring"]);

        // A rotation that has not reached NocoBase, then a push whose restart is lost.
        const next = { ...outputs, ...newSecretOf(outputs.clientId) };
        const stale = await doctor(next, longKey);
        assert.deepEqual(codesOf(stale), ["nocobase-key-id-stale"]);
        assert.match(stale.stdout, new RegExp(`NocoBase holds the client secret with key ID ${outputs.clientSecretKeyId}`));

        const proxy = await startFaultProxy(server.apiUrl, (request) =>
            request.action.startsWith("app:refresh") ? { status: 502, type: "text/plain", body: "lost" } : undefined);
        let lost: Run;
        try {
            lost = await runPush(["--api-url", proxy.apiUrl], JSON.stringify(next), { NOCOBASE_API_TOKEN: longKey });
        } finally {
            await proxy.close();
        }
        assert.equal(lost.code, 1);
        const pending = await doctor(next, longKey);
        assert.deepEqual(codesOf(pending), ["nocobase-restart-pending"]);

        assert.equal((await runPush([], JSON.stringify(next), { NOCOBASE_API_TOKEN: longKey })).code, 0);
        // As the rotation's end deletes the previous secret.
        const app = runningEmulator().directory.findApplicationByAppId(outputs.clientId);
        assert.ok(app);
        app.passwordCredentials = app.passwordCredentials.filter((p) => p.keyId !== outputs.clientSecretKeyId);
        const after = await doctor(next, longKey);
        assert.equal(after.code, 0, after.stdout);
        assert.deepEqual(codesOf(after, true), []);

        for (const run of [healthy, expiring, stale, lost, pending, after]) {
            assertNoCredentials(run.stdout + run.stderr, [outputs.clientSecret, next.clientSecret, longKey, server.rootApiKey]);
        }
    });

    it("reports a missing secret variable and one stored as plain text", async () => {
        const longKey = await apiKeyValidFor("90d");
        const outputs = outputsFor("doctormissing");
        assert.deepEqual(codesOf(await doctor(outputs, longKey)), ["nocobase-secret-missing"]);
        await rootClient().createVariable(outputs.nocobaseClientSecretVariable, "default", "plain-text-value");
        const plain = await doctor(outputs, longKey);
        assert.match(plain.stdout, /as a plain variable \(type default\), not as a secret/);
        await rootClient().destroyVariable(outputs.nocobaseClientSecretVariable);
    });
});
