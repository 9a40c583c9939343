/** The Variables resource's methods (what the provider plugin runs) against the real NocoBase: create, no-op, rotation, adopt, destroy, refresh. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runningNocobase, sql } from "../nocobase-server/harness";
import {
    RequestCounter, assertNoCredentials, configuredProvider, inputsFor, rootClient, rotated, storedVariable, tokenRequestsFor,
} from "./support";

/** The stored (database) value of a variable. */
async function storedValue(name: string): Promise<string> {
    const rows = await sql(runningNocobase(), `SELECT value FROM "environmentVariables" WHERE name = '${name}'`);
    assert.equal(rows.length, 1, `expected one row for ${name}`);
    return rows[0];
}

function assertCiphertextOf(stored: string, secret: string): void {
    assert.ok(!stored.includes(secret), "the secret is stored in plaintext");
    // NocoBase stores secrets as hex: a 16-byte IV then AES-256-CBC blocks.
    assert.match(stored, /^[0-9a-f]{64,}$/);
}

describe("NocoBase variables provider", () => {
    it("creates the client ID as a plain variable and the secret as an encrypted secret", async () => {
        const counter = new RequestCounter();
        const provider = await configuredProvider(runningNocobase().rootApiKey, { onRequest: counter.onRequest });
        const inputs = inputsFor("create");

        const result = await provider.create(inputs);

        assert.deepEqual(await storedVariable(inputs.clientIdVariable), { name: inputs.clientIdVariable, type: "default", value: inputs.clientId });
        assert.equal((await storedVariable(inputs.clientSecretVariable))?.type, "secret");
        assertCiphertextOf(await storedValue(inputs.clientSecretVariable), inputs.clientSecret);
        assert.deepEqual(result.outs, {
            apiUrl: inputs.apiUrl, clientIdVariable: inputs.clientIdVariable, clientSecretVariable: inputs.clientSecretVariable,
            clientId: inputs.clientId, clientSecretKeyId: inputs.clientSecretKeyId,
        });
        assertNoCredentials(JSON.stringify(result), [inputs.clientSecret, runningNocobase().rootApiKey]);
        console.log(`nocobase requests: create ${counter.summary()}`);
    });

    it("makes no request to NocoBase when nothing changed, and only reads on refresh", async () => {
        const counter = new RequestCounter();
        const provider = await configuredProvider(runningNocobase().rootApiKey, { onRequest: counter.onRequest });
        const inputs = inputsFor("noop");
        const { id, outs } = await provider.create(inputs);
        counter.reset();

        const diff = provider.diff(id, outs, { ...inputs });
        assert.equal(diff.changes, false);
        assert.equal(counter.reads + counter.writes, 0);
        console.log(`nocobase requests: no-op reads=${counter.reads} writes=${counter.writes}`);

        const read = await provider.read(id, outs);
        const afterRefresh = provider.diff(id, read.props, { ...inputs });
        assert.equal(afterRefresh.changes, false);
        assert.equal(counter.writes, 0);
        assert.equal(counter.reads, 1, "one list of the three entries");
        console.log(`nocobase requests: no-op with refresh ${counter.summary()}`);
    });

    it("writes a rotated secret, still encrypted, and leaves the client ID alone", async () => {
        const counter = new RequestCounter();
        const provider = await configuredProvider(runningNocobase().rootApiKey, { onRequest: counter.onRequest });
        const inputs = inputsFor("rotate");
        const { id, outs } = await provider.create(inputs);
        const before = await storedValue(inputs.clientSecretVariable);
        const rotatedInputs = rotated(inputs);
        counter.reset();

        const diff = provider.diff(id, outs, rotatedInputs);
        assert.equal(diff.changes, true);
        const tokenRequestsBefore = tokenRequestsFor(inputs.clientId);
        const started = Date.now();
        const updated = await provider.update(id, outs, rotatedInputs);
        const elapsed = Date.now() - started;

        const after = await storedValue(inputs.clientSecretVariable);
        assert.notEqual(after, before);
        assertCiphertextOf(after, rotatedInputs.clientSecret);
        assert.equal(updated.outs?.clientSecretKeyId, rotatedInputs.clientSecretKeyId);
        // One write for the secret, one for its key-ID record; the restart is one write and at least one read.
        assert.equal(counter.events.filter((e) => e.operation.endsWith(inputs.clientIdVariable)).length, 0);
        assert.equal(counter.events.filter((e) => e.kind === "write" && e.operation.endsWith(inputs.clientSecretVariable)).length, 1);
        assert.equal(counter.events.filter((e) => e.kind === "write" && e.operation.endsWith(`${inputs.clientSecretVariable}_KEY_ID`)).length, 1);
        const tokenRequests = tokenRequestsFor(inputs.clientId) - tokenRequestsBefore;
        assert.equal(tokenRequests, 1, "one proof at Microsoft's token endpoint");
        console.log(`nocobase requests: rotation ${counter.summary()} (including app:refresh and waiting for it) in ${elapsed} ms; ` +
            `microsoft token requests=${tokenRequests}`);
    });

    it("adopts entries that already exist under the same names", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("adopt");
        const client = rootClient();
        await client.createVariable(inputs.clientIdVariable, "default", "someone else's value");
        // Stored plain under the secret's name, with the very value the provider will write.
        await client.createVariable(inputs.clientSecretVariable, "default", inputs.clientSecret);

        await provider.create(inputs);

        assert.equal((await storedVariable(inputs.clientIdVariable))?.value, inputs.clientId);
        assert.equal((await storedVariable(inputs.clientSecretVariable))?.type, "secret");
        assertCiphertextOf(await storedValue(inputs.clientSecretVariable), inputs.clientSecret);
    });

    it("destroys only the entries it owns (both variables and the key-ID record), and tolerates their absence", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("destroy");
        const bystander = `${inputs.clientIdVariable}_OTHER`;
        const client = rootClient();
        await client.createVariable(bystander, "default", "keep me");
        const { id, outs } = await provider.create(inputs);

        await provider.delete(id, outs);

        assert.equal(await storedVariable(inputs.clientIdVariable), undefined);
        assert.equal(await storedVariable(inputs.clientSecretVariable), undefined);
        assert.equal(await storedVariable(`${inputs.clientSecretVariable}_KEY_ID`), undefined);
        assert.equal((await storedVariable(bystander))?.value, "keep me");
        await provider.delete(id, outs);
        await client.destroyVariable(bystander);
    });

    it("reports hand-deleted entries on refresh so the next update restores them", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("refresh");
        const { id, outs } = await provider.create(inputs);
        const client = rootClient();
        await client.destroyVariable(inputs.clientSecretVariable);
        await client.destroyVariable(inputs.clientIdVariable);

        const read = await provider.read(id, outs);
        assert.equal(read.id, id);
        assert.equal(read.props?.clientSecretKeyId, "");
        assert.equal(read.props?.clientId, "");
        assert.equal(provider.diff(id, read.props, inputs).changes, true);
        await provider.update(id, read.props, inputs);

        assert.equal((await storedVariable(inputs.clientIdVariable))?.value, inputs.clientId);
        assert.equal((await storedVariable(inputs.clientSecretVariable))?.type, "secret");
        assertCiphertextOf(await storedValue(inputs.clientSecretVariable), inputs.clientSecret);
    });

    it("moves the entries when the configured names change, within one restart", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("rename");
        const { id, outs } = await provider.create(inputs);
        const renamed = { ...inputs, clientIdVariable: `${inputs.clientIdVariable}_NEW`, clientSecretVariable: `${inputs.clientSecretVariable}_NEW` };

        await provider.update(id, outs, renamed);

        assert.equal(await storedVariable(inputs.clientIdVariable), undefined);
        assert.equal(await storedVariable(inputs.clientSecretVariable), undefined);
        assert.equal(await storedVariable(`${inputs.clientSecretVariable}_KEY_ID`), undefined);
        assert.equal((await storedVariable(renamed.clientIdVariable))?.value, inputs.clientId);
        assert.equal((await storedVariable(renamed.clientSecretVariable))?.type, "secret");
        assert.equal((await rootClient().listVariables()).restartPending, false, "the removals are applied by the same restart");
    });
});
