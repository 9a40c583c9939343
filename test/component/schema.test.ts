// The schema Pulumi generates SDKs from, as ComponentProvider derives it from the TypeScript types.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONFIG_KEYS } from "../../src/configuration/settings";
import { NOCOBASE_MAIL_TOKEN, packageSchema, ResourceSchema } from "./component-provider";

/** Inputs and their schema types: the configuration keys, plus whether to hand over to NocoBase. */
const INPUTS: Record<string, string> = {
    nocobaseUrl: "string", nocobaseSubApp: "string", extraNocobaseUrls: "array<string>", displayName: "string",
    signInAudience: "string", secretRotationDays: "number", secretLifetimeDays: "number", secretGeneration: "number",
    grantAdminConsent: "boolean", owners: "array<string>", additionalWebRedirectUris: "array<string>",
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
    assert.deepEqual(Object.keys(schema.resources), [NOCOBASE_MAIL_TOKEN], "one resource: the component");
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

    it("takes plain inputs: they decide which resources exist and are checked before any is declared", async () => {
        for (const [name, property] of Object.entries((await component()).inputProperties)) {
            assert.equal(property.plain, true, `${name} is plain`);
        }
    });

    it("gives the stack's outputs, all of them always set", async () => {
        const resource = await component();
        assert.deepEqual(Object.fromEntries(Object.entries(resource.properties).map(([name, p]) => [name, typeOf(p)])), OUTPUTS);
        assert.deepEqual([...(resource.required ?? [])].sort(), Object.keys(OUTPUTS).sort());
    });

    it("describes every input and output in one line", async () => {
        const resource = await component();
        for (const [name, property] of [...Object.entries(resource.inputProperties), ...Object.entries(resource.properties)]) {
            assert.match(property.description ?? "", /^[A-Z].{10,}[.)]$/, `${name} has a description`);
            assert.ok(!(property.description ?? "").includes("\n"), `${name}'s description is one line`);
        }
    });

    it("marks nothing secret: ComponentProvider has no secret flag, so secrecy is the runtime's (see construct)", async () => {
        const resource = await component();
        for (const [name, property] of [...Object.entries(resource.inputProperties), ...Object.entries(resource.properties)]) {
            assert.equal(property.secret, undefined, `${name}: if the SDK starts marking secrets, mark clientSecret and update the README`);
        }
    });
});
