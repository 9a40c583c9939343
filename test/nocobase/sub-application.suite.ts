/**
 * Sub-applications: NocoBase's gateway routes a request to an application by its `X-App` header, and
 * each application keeps its own variables. The test server has only the main application, so routing
 * is shown both ways: naming "main" reaches the main application's variables, and naming an application
 * that does not exist reaches none and fails with an error that names it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runningNocobase } from "../nocobase-server/harness";
import { assertNoCredentials, configuredProvider, failureOf, inputsFor, storedVariable } from "./support";

describe("NocoBase sub-application routing", () => {
    it("writes through the X-App header into the application it names", async () => {
        const server = runningNocobase();
        const provider = await configuredProvider(server.rootApiKey);
        const inputs = inputsFor("xapp_main", { appName: "main" });
        const { id, outs } = await provider.create(inputs);
        assert.ok(outs !== undefined);
        assert.equal(outs.appName, "main");
        const stored = await storedVariable(inputs.clientIdVariable);
        assert.equal(stored?.value, inputs.clientId, "the main application holds the variable");
        await provider.delete(id, outs);
        assert.equal(await storedVariable(inputs.clientIdVariable), undefined);
    });

    it("fails with the sub-application's name and the fix when that application does not exist", async () => {
        const server = runningNocobase();
        const provider = await configuredProvider(server.rootApiKey, { initialBackoffMs: 50, maxAttempts: 3 });
        const inputs = inputsFor("xapp_missing", { appName: "nosuchapp" });
        const message = await failureOf(() => provider.create(inputs));
        assert.match(message, /^NocoBase could not serve the sub-application nosuchapp/);
        assert.match(message, /nocobase-entra-mail:nocobaseSubApp/);
        assert.match(message, /APP_NOT_FOUND|APP_PREPARING/);
        assertNoCredentials(message, [server.rootApiKey, inputs.clientSecret]);
        assert.equal(await storedVariable(inputs.clientIdVariable), undefined, "nothing reached the main application");
    });

    it("treats a change of sub-application as a change", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("xapp_diff");
        const { appName: _none, ...olds } = { ...inputs, appName: undefined };
        const diff = provider.diff("id", olds, { ...inputs, appName: "sales" });
        assert.equal(diff.changes, true);
        const same = provider.diff("id", olds, inputs);
        assert.equal(same.changes, false, "a state without appName (the main application) matches inputs without one");
    });
});
