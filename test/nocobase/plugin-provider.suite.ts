/**
 * The plugin's provider object as Pulumi's Node provider server calls it, against the real NocoBase: values
 * in the engine's wire form (secrets in their envelope, every key of the stack's namespace in the
 * configuration), and the state the old dynamic provider left (`__provider`), adopted without a request.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMailVariablesProvider } from "../../src/nocobase/variables-provider";
import { VARIABLES_TYPE } from "../../src/nocobase/variables";
import { NocobaseEntraMailProvider } from "../../src/provider/nocobase-entra-mail-provider";
import { runningNocobase } from "../nocobase-server/harness";
import { RequestCounter, assertNoCredentials, failureOf, inputsFor, storedVariable } from "./support";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const wrapped = (value: unknown) => ({ ...SECRET, value });
const URN = `urn:pulumi:dev::nocobase-entra-mail::nocobase-entra-mail:index:NocobaseMail$${VARIABLES_TYPE}::nocobase-mail-variables`;

function pluginProvider(counter: RequestCounter): NocobaseEntraMailProvider {
    const provider = new NocobaseEntraMailProvider(createMailVariablesProvider({ onRequest: counter.onRequest }));
    // As the default provider receives it: the stack's whole `nocobase-entra-mail:` namespace, the API key secret.
    provider.configure({ nocobaseApiToken: wrapped(runningNocobase().rootApiKey), nocobaseUrl: "https://crm.example.com", secretRotationDays: "60" });
    return provider;
}

describe("the plugin provider (nocobase-entra-mail:nocobase:Variables) in the engine's wire form", () => {
    it("keeps the secret wrapped in checked inputs, hands it over, and records no secret", async () => {
        const counter = new RequestCounter();
        const provider = pluginProvider(counter);
        const inputs = inputsFor("plugincreate");
        // A program in another language may pass the secret as a plain string: check makes it secret.
        const checked = await provider.check(URN, {}, { ...inputs });
        assert.deepEqual(checked.failures, []);
        const checkedInputs = checked.inputs as Record<string, unknown>;
        assert.ok(JSON.stringify(checkedInputs.clientSecret) === JSON.stringify(wrapped(inputs.clientSecret)), "clientSecret is wrapped as a secret");

        const created = await provider.create(URN, checkedInputs);
        assert.equal((await storedVariable(inputs.clientIdVariable))?.value, inputs.clientId);
        assert.equal((await storedVariable(inputs.clientSecretVariable))?.type, "secret");
        assert.ok(counter.writes > 0);
        assertNoCredentials(JSON.stringify(created), [inputs.clientSecret, runningNocobase().rootApiKey]);
        assert.deepEqual(Object.keys(created.outs as object).sort(),
            ["apiUrl", "clientId", "clientIdVariable", "clientSecretKeyId", "clientSecretVariable"]);
    });

    it("adopts the old dynamic provider's state: no change, no request to NocoBase; a refresh drops its code", async () => {
        const counter = new RequestCounter();
        const provider = pluginProvider(counter);
        const inputs = inputsFor("pluginlegacy");
        const created = await provider.create(URN, (await provider.check(URN, {}, { ...inputs })).inputs);
        counter.reset();
        const legacyState = { __provider: "exports.handler = function () { /* serialized code */ }", ...created.outs as object };
        const diff = await provider.diff(created.id, URN, legacyState, { ...inputs, clientSecret: wrapped(inputs.clientSecret) });
        assert.equal(diff.changes, false, "the aliased resource is the same resource");
        assert.equal(counter.events.length, 0, "diff asks NocoBase nothing");

        const rotatedDiff = await provider.diff(created.id, URN, legacyState, { ...inputs, clientSecretKeyId: "another-key-id" });
        assert.equal(rotatedDiff.changes, true, "a rotation is still seen in a legacy state");

        const read = await provider.read(created.id, URN, legacyState);
        assert.deepEqual(read.props, created.outs, "refresh records the current fields only");
        assert.equal(counter.writes, 0);
    });

    it("reports a missing input by name, and refuses a type it does not serve", async () => {
        const provider = pluginProvider(new RequestCounter());
        const { clientSecretKeyId: _omitted, ...rest } = inputsFor("plugincheck");
        const checked = await provider.check(URN, {}, rest);
        assert.deepEqual(checked.failures?.map((f) => f.property), ["clientSecretKeyId"]);
        const message = await failureOf(() => provider.create(URN.replace(VARIABLES_TYPE, "nocobase-entra-mail:nocobase:Other"), rest));
        assert.match(message, /has no custom resource of type "nocobase-entra-mail:nocobase:Other"/);
    });

    it("without an API key in its configuration or environment, names the fix", async () => {
        const provider = new NocobaseEntraMailProvider(createMailVariablesProvider());
        provider.configure({ nocobaseUrl: "https://crm.example.com" });
        const saved = process.env.NOCOBASE_API_TOKEN;
        delete process.env.NOCOBASE_API_TOKEN;
        try {
            const message = await failureOf(() => provider.create(URN, inputsFor("pluginnokey")));
            assert.match(message, /No NocoBase API key.*pulumi config set --secret nocobase-entra-mail:nocobaseApiToken/s);
        } finally {
            if (saved !== undefined) {
                process.env.NOCOBASE_API_TOKEN = saved;
            }
        }
    });
});
