/** `nocobase-entra-mail push-to-nocobase` against the real NocoBase: writes, is idempotent, rotates, fails clearly. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { runningNocobase, sql } from "../nocobase-server/harness";
import { assertNoCredentials, newSecretOf, outputsFor, runPush, storedVariable, type Run } from "./support";

function requestCounts(run: Run): { reads: number; writes: number } {
    const match = /nocobase requests: reads=(\d+) writes=(\d+)/.exec(run.stdout);
    assert.ok(match, `no request counts in the output:\n${run.stdout}`);
    return { reads: Number(match[1]), writes: Number(match[2]) };
}

function lastLine(run: Run): string {
    return run.stdout.trim().split("\n").at(-1) ?? "";
}

describe("push-to-nocobase script", () => {
    it("writes both variables, then writes nothing when run again, then writes a rotated secret", async () => {
        const server = runningNocobase();
        const outputs = outputsFor("push");
        const env = { NOCOBASE_API_TOKEN: server.rootApiKey };

        const first = await runPush([], JSON.stringify(outputs), env);
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stdout, new RegExp(`${outputs.nocobaseClientSecretVariable}: created \\(secret, key ID ${outputs.clientSecretKeyId}\\)`));
        assert.match(first.stdout, /Microsoft's token endpoint accepted the secret/);
        assert.equal((await storedVariable(outputs.nocobaseClientIdVariable))?.value, outputs.clientId);
        assert.equal((await storedVariable(outputs.nocobaseClientSecretVariable))?.type, "secret");
        const [stored] = await sql(server, `SELECT value FROM "environmentVariables" WHERE name = '${outputs.nocobaseClientSecretVariable}'`);
        assert.ok(!stored.includes(outputs.clientSecret));

        const again = await runPush([], JSON.stringify(outputs), env);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(requestCounts(again), { reads: 1, writes: 0 });
        assert.match(again.stdout, /unchanged \(secret, key ID/);
        console.log(`nocobase requests: push-to-nocobase no-op ${lastLine(again).replace("nocobase requests: ", "")}`);

        const rotated = { ...outputs, ...newSecretOf(outputs.clientId) };
        const rotation = await runPush([], JSON.stringify(rotated), env);
        assert.equal(rotation.code, 0, rotation.stderr);
        assert.match(rotation.stdout, new RegExp(`${outputs.nocobaseClientSecretVariable}: updated \\(secret, key ID ${rotated.clientSecretKeyId}\\)`));
        assert.equal(requestCounts(rotation).writes, 3, "secret, key ID record, app:refresh");
        console.log(`nocobase requests: push-to-nocobase rotation ${lastLine(rotation).replace("nocobase requests: ", "")}`);
        const [afterRotation] = await sql(server, `SELECT value FROM "environmentVariables" WHERE name = '${outputs.nocobaseClientSecretVariable}'`);
        assert.notEqual(afterRotation, stored);

        for (const run of [first, again, rotation]) {
            assertNoCredentials(run.stdout + run.stderr, [outputs.clientSecret, rotated.clientSecret, server.rootApiKey]);
        }
    });

    it("reads the outputs from a file and takes --api-url over the outputs' URL", async () => {
        const server = runningNocobase();
        const outputs = outputsFor("file", { nocobaseApiUrl: "https://unreachable.example.com/api" });
        const dir = await mkdtemp(path.join(os.tmpdir(), "push-"));
        try {
            const file = path.join(dir, "outputs.json");
            await writeFile(file, JSON.stringify(outputs), { mode: 0o600 });
            const run = await runPush(["--api-url", server.apiUrl, file], "", { NOCOBASE_API_TOKEN: server.rootApiKey });
            assert.equal(run.code, 0, run.stderr);
            assert.equal((await storedVariable(outputs.nocobaseClientIdVariable))?.value, outputs.clientId);
        } finally {
            await rm(dir, { recursive: true, force: true });
        }
    });

    it("fails with exit 1 and a clear message on a wrong API key, without printing credentials", async () => {
        const outputs = outputsFor("pushbadkey");
        const wrongKey = `${runningNocobase().rootApiKey.slice(0, -6)}BBBBBB`;
        const run = await runPush([], JSON.stringify(outputs), { NOCOBASE_API_TOKEN: wrongKey });
        assert.equal(run.code, 1);
        assert.match(run.stderr, /NocoBase refused the API key \(401 INVALID_TOKEN\).*the environment variable NOCOBASE_API_TOKEN/);
        assertNoCredentials(run.stdout + run.stderr, [outputs.clientSecret, wrongKey]);
    });

    it("refuses to run without an API key, with exit 2 and usage", async () => {
        const outputs = outputsFor("pushnokey");
        const run = await runPush([], JSON.stringify(outputs), {});
        assert.equal(run.code, 2);
        assert.match(run.stderr, /NOCOBASE_API_TOKEN is not set/);
        assert.match(run.stderr, /Usage: nocobase-entra-mail push-to-nocobase/);
    });

    it("refuses outputs printed without --show-secrets as unusable input, exit 2", async () => {
        const outputs = outputsFor("pushhidden", { clientSecret: "[secret]" });
        const run = await runPush([], JSON.stringify(outputs), { NOCOBASE_API_TOKEN: runningNocobase().rootApiKey });
        assert.equal(run.code, 2);
        assert.match(run.stderr, /clientSecret is hidden/);
    });
});
