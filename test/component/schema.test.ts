// The schema Pulumi generates SDKs from, as the package's provider serves it: the component as
// ComponentProvider derives it from the TypeScript types, the Variables resource and the provider's configuration.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIG_KEY_TABLE, CONFIG_KEYS, componentKeys, KeyTable } from "../../src/configuration/config-keys";
import { inputDescription } from "../../scripts/generate-config";
import { LEGACY_VARIABLES_TYPE, VARIABLES_TYPE } from "../../src/nocobase/variables";
import { MIN_SLACK_DAYS } from "../../src/registration/secret-rotation";
import { NOCOBASE_MAIL_TOKEN, packageSchema, ResourceSchema } from "./component-provider";

/** Inputs and their schema types: the configuration keys, plus whether to hand over to NocoBase. */
const INPUTS: Record<string, string> = {
    nocobaseUrl: "string", nocobaseSubApp: "string", extraNocobaseUrls: "array<string>", displayName: "string",
    signInAudience: "string", secretRotationDays: "number", secretLifetimeDays: "number", secretGeneration: "number",
    secretLifetimeCapDays: "number", grantAdminConsent: "boolean", owners: "array<string>", additionalWebRedirectUris: "array<string>",
    spaRedirectUris: "array<string>", publicClientRedirectUris: "array<string>", additionalPermissions: "array<string>",
    adoptAdminConsentGrantId: "string", adoptApplicationObjectId: "string", nocobaseApiUrl: "string",
    nocobaseClientIdVariable: "string", nocobaseClientSecretVariable: "string", emailSettings: "string", pastedSecretKeyId: "string", handOverToNocobase: "boolean",
};

/** Outputs: the stack's outputs, under the same names. */
const OUTPUTS: Record<string, string> = {
    environment: "string", clientId: "string", tenantId: "string", applicationObjectId: "string",
    servicePrincipalObjectId: "string", displayName: "string", signInAudience: "string", redirectUris: "array<string>",
    owners: "array<string>", additionalPermissions: "array<string>",
    adminConsent: "boolean", clientSecret: "string", clientSecretKeyId: "string", clientSecretExpiresAt: "string",
    nextRotationAt: "string", nextRotationReplacesSlot: "string", secretRotation: "ref:SecretRotation",
    emailSettings: "string", pastedSecret: "ref:PastedSecret",
    nocobaseApiUrl: "string", nocobaseSubApp: "string", nocobaseClientIdVariable: "string",
    nocobaseClientSecretVariable: "string",
};

function typeOf(property: { type?: string; items?: { type?: string }; $ref?: string }): string {
    if (property.$ref !== undefined) {
        return `ref:${property.$ref.replace("#/types/nocobase-entra-mail:index:", "")}`;
    }
    return property.type === "array" ? `array<${String(property.items?.type)}>` : String(property.type);
}

async function component(): Promise<ResourceSchema> {
    const schema = await packageSchema();
    assert.equal(schema.name, "nocobase-entra-mail");
    assert.deepEqual(Object.keys(schema.resources), [NOCOBASE_MAIL_TOKEN, VARIABLES_TYPE], "the component and the hand-over's resource");
    return schema.resources[NOCOBASE_MAIL_TOKEN];
}

describe("component schema", () => {
    it("declares NocobaseMail as a component of module index", async () => {
        assert.equal((await component()).isComponent, true);
    });

    it("takes every configuration key as an input of the same name and type", async () => {
        const inputs = (await component()).inputProperties;
        assert.deepEqual(Object.fromEntries(Object.entries(inputs).map(([name, p]) => [name, typeOf(p)])), INPUTS);
        for (const key of CONFIG_KEYS) {
            assert.ok(key in inputs, `configuration key ${key} is an input`);
        }
    });

    it("requires nocobaseUrl only, as the stack's configuration does", async () => {
        assert.deepEqual((await component()).requiredInputs, ["nocobaseUrl"]);
    });

    it("takes plain values only where the key table says the value decides the resources, outputs elsewhere", async () => {
        const inputs = (await component()).inputProperties;
        assert.deepEqual(Object.keys(inputs).sort(), componentKeys(CONFIG_KEY_TABLE).sort());
        for (const [name, property] of Object.entries(inputs)) {
            const plain = (CONFIG_KEY_TABLE as KeyTable)[name].plainBecause !== undefined;
            assert.equal(property.plain === true, plain, `${name} is ${plain ? "plain" : "an Input"}`);
        }
    });

    it("gives the stack's outputs, all of them always set", async () => {
        const resource = await component();
        assert.deepEqual(Object.fromEntries(Object.entries(resource.properties).map(([name, p]) => [name, typeOf(p)])), OUTPUTS);
        assert.deepEqual([...(resource.required ?? [])].sort(), Object.keys(OUTPUTS).sort());
    });

    it("describes each input as the key table does, with its default (the generated SDKs repeat it)", async () => {
        const inputs = (await component()).inputProperties;
        for (const key of componentKeys(CONFIG_KEY_TABLE)) {
            assert.equal(inputs[key]?.description, inputDescription((CONFIG_KEY_TABLE as KeyTable)[key]), key);
        }
        assert.match(inputs.secretRotationDays?.description ?? "", /Default: 60\./);
    });

    it("states the lifetime rule the validation applies", async () => {
        const description = (await component()).inputProperties.secretLifetimeDays?.description ?? "";
        assert.match(description, new RegExp(`at least 2 x secretRotationDays \\+ ${MIN_SLACK_DAYS} days of slack`));
    });

    it("describes every input and output in one line", async () => {
        const resource = await component();
        for (const [name, property] of [...Object.entries(resource.inputProperties), ...Object.entries(resource.properties)]) {
            assert.match(property.description ?? "", /^[A-Z].{10,}[.)]$/, `${name} has a description`);
            assert.ok(!(property.description ?? "").includes("\n"), `${name}'s description is one line`);
        }
    });

    it("marks nothing of the component secret: ComponentProvider has no secret flag, so secrecy is the runtime's (see construct)", async () => {
        const resource = await component();
        for (const [name, property] of [...Object.entries(resource.inputProperties), ...Object.entries(resource.properties)]) {
            assert.equal(property.secret, undefined, `${name}: if the SDK starts marking secrets, mark clientSecret and update the README`);
        }
    });
});

describe("Variables resource schema", () => {
    const TARGET: Record<string, string> = {
        apiUrl: "string", appName: "string", clientIdVariable: "string", clientSecretVariable: "string",
        clientId: "string", clientSecretKeyId: "string",
    };

    async function variables(): Promise<ResourceSchema> {
        return (await packageSchema()).resources[VARIABLES_TYPE];
    }

    it("is a custom resource taking the hand-over's values, the secret marked secret and no API key", async () => {
        const resource = await variables();
        assert.equal(resource.isComponent, undefined);
        const inputs = resource.inputProperties;
        assert.deepEqual(Object.fromEntries(Object.entries(inputs).map(([name, p]) => [name, typeOf(p)])),
            { ...TARGET, clientSecret: "string", tenantId: "string", signInAudience: "string" });
        assert.deepEqual(Object.entries(inputs).filter(([, p]) => p.secret === true).map(([name]) => name), ["clientSecret"]);
        assert.deepEqual([...(resource.requiredInputs ?? [])].sort(),
            ["apiUrl", "clientId", "clientIdVariable", "clientSecret", "clientSecretKeyId", "clientSecretVariable", "signInAudience", "tenantId"]);
    });

    it("records what NocoBase holds and no secret", async () => {
        const resource = await variables();
        assert.deepEqual(Object.fromEntries(Object.entries(resource.properties).map(([name, p]) => [name, typeOf(p)])), TARGET);
        assert.ok(Object.values(resource.properties).every((p) => p.secret === undefined));
    });

    it("aliases the dynamic resource of earlier releases, so SDKs of every language adopt it", async () => {
        assert.deepEqual((await variables()).aliases, [{ type: LEGACY_VARIABLES_TYPE }]);
    });

    it("takes the API key as the provider's secret configuration (stack config nocobase-entra-mail:nocobaseApiToken)", async () => {
        const schema = await packageSchema();
        assert.equal(schema.config?.variables.nocobaseApiToken.secret, true);
        assert.equal(schema.provider?.inputProperties.nocobaseApiToken.secret, true);
        for (const property of [...Object.values((await variables()).inputProperties), ...Object.values((await variables()).properties)]) {
            assert.match(property.description ?? "", /^[A-Z].{10,}[.)]$/);
        }
    });
});
