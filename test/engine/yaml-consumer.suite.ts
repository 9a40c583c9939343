/**
 * A Pulumi YAML program using the package on the real engine: the YAML language host loads the package's
 * schema from its provider plugin, and the plugin hands the secret over to the real NocoBase. The state
 * holds the secret input and the provider's API key encrypted, and nothing of either in plaintext.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { keyIdRecordName } from "../../src/nocobase/handover";
import { VARIABLES_TYPE } from "../../src/nocobase/variables";
import { runningNocobase } from "../nocobase-server/harness";
import { assertNoCredentials, storedVariable } from "../nocobase/support";
import type { EngineStack, StackConfig } from "./engine-stack";
import { handoverTarget, newStack } from "./engine-support";

const YAML_PROGRAM = path.join(__dirname, "programs", "yaml-handover", "Pulumi.yaml");
const YAML_COMPONENT = path.join(__dirname, "programs", "yaml-component", "Pulumi.yaml");

interface ExportedResource {
    readonly type: string;
    readonly inputs?: Record<string, unknown>;
}

describe("a Pulumi YAML consumer on the real engine", () => {
    let stack: EngineStack | undefined;
    let componentStack: EngineStack | undefined;
    after(() => {
        stack?.remove();
        componentStack?.remove();
    });

    it("constructs NocobaseMail in the plugin, whose input check reaches the YAML program's user", async () => {
        componentStack = await newStack("yamlcomponent", YAML_COMPONENT);
        const preview = await componentStack.run("preview", {});
        assert.equal(preview.ok, false, "the input is refused");
        assert.match(preview.output, /secretLifetimeDays/);
        assert.match(preview.output, /secretLifetimeDays[^\n]*9999/);
        console.log(`engine: YAML construct refusal: ${preview.output.split("\n").filter((l) => /secretLifetimeDays/.test(l)).join(" | ")}`);
        assert.doesNotMatch(preview.output, /azuread:index\//, "refused before any resource is declared");
    });

    it("hands the secret over to NocoBase through the package's provider; the state holds no plaintext secret", async () => {
        stack = await newStack("yaml", YAML_PROGRAM);
        const { target, secret } = handoverTarget("engineyaml");
        const apiKey = runningNocobase().rootApiKey;
        const config: StackConfig = {
            "yaml-consumer:apiUrl": { value: target.apiUrl },
            "yaml-consumer:clientId": { value: target.clientId },
            "yaml-consumer:tenantId": { value: target.tenantId },
            "yaml-consumer:clientIdVariable": { value: target.clientIdVariable },
            "yaml-consumer:clientSecretVariable": { value: target.clientSecretVariable },
            "yaml-consumer:clientSecretKeyId": { value: secret.clientSecretKeyId },
            "yaml-consumer:clientSecret": { value: secret.clientSecret, secret: true },
            "nocobase-entra-mail:nocobaseApiToken": { value: apiKey, secret: true },
        };
        const up = await stack.run("up", config);
        assert.equal(up.ok, true, up.error);
        assert.equal(up.changes.create, 2, "the stack and the Variables resource");
        assert.equal((await storedVariable(target.clientIdVariable))?.value, target.clientId);
        assert.equal((await storedVariable(target.clientSecretVariable))?.type, "secret");
        assert.equal((await storedVariable(keyIdRecordName(target.clientSecretVariable)))?.value, secret.clientSecretKeyId);
        assert.equal((await stack.outputs()).clientSecretKeyId, secret.clientSecretKeyId);

        const exported = await stack.cli(["stack", "export"]);
        assert.equal(exported.code, 0, exported.stderr);
        assertNoCredentials(exported.stdout, [secret.clientSecret, apiKey]);
        const resources = (JSON.parse(exported.stdout) as { deployment: { resources: ExportedResource[] } }).deployment.resources;
        const variables = resources.find((r) => r.type === VARIABLES_TYPE);
        assert.ok(typeof (variables?.inputs?.clientSecret as { ciphertext?: unknown } | undefined)?.ciphertext === "string",
            "the secret input is encrypted in the state");
        assert.equal(variables?.inputs?.nocobaseApiToken, undefined, "the API key is no input of the resource");
        const provider = resources.find((r) => r.type === "pulumi:providers:nocobase-entra-mail");
        assert.ok(typeof (provider?.inputs?.nocobaseApiToken as { ciphertext?: unknown } | undefined)?.ciphertext === "string",
            "the API key is the default provider's configuration, encrypted");

        const preview = await stack.run("preview", config, { expectNoChanges: true });
        assert.equal(preview.ok, true, preview.error);

        const destroyed = await stack.run("destroy", config);
        assert.equal(destroyed.ok, true, destroyed.error);
        assert.equal(await storedVariable(target.clientIdVariable), undefined);
        assert.equal(await storedVariable(target.clientSecretVariable), undefined);
        assertNoCredentials(up.output + preview.output + destroyed.output, [secret.clientSecret, apiKey]);
    });
});
