// The real program (index.ts) under recording mocks: exact inputs of every registration.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../src/microsoft-graph";
import { ProgramFailure, ProgramRun, runProgram } from "../../src/offline/program-runner";
import { DYNAMIC_RESOURCE_PREFIX, MOCK_DEPLOYER, MOCK_GRAPH_SERVICE_PRINCIPAL_ID, Registration } from "../../src/offline/recording-mocks";

const NOW = new Date("2026-11-23T12:00:00Z");
const APP = "azuread:index/application:Application";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const GRANT = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
const COMPONENT = "nocobase-entra-mail:entra:MailAppRegistration";

const GRAPH_ACCESS = [{
    resourceAppId: MICROSOFT_GRAPH_APP_ID,
    resourceAccesses: [
        { id: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", type: "Scope" },
        { id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", type: "Scope" },
        { id: "652390e4-393a-48de-9484-05f9b1212954", type: "Scope" },
        { id: "258f6531-6087-4cc4-bb90-092c5fb3ed3f", type: "Scope" },
        { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" },
    ],
}];

function run(config: Record<string, string>, options: { stack?: string; now?: Date; secretKeys?: string[] } = {}): Promise<ProgramRun> {
    return runProgram({ stack: options.stack ?? "dev", config, now: options.now ?? NOW, secretKeys: options.secretKeys });
}

async function runExpectingFailure(config: Record<string, string>) {
    try {
        await run(config);
    } catch (err) {
        assert.ok(err instanceof ProgramFailure, `expected a ProgramFailure, got ${String(err)}`);
        return err;
    }
    assert.fail("the program accepted a bad configuration");
}

function only(result: ProgramRun, type: string): Registration {
    const found = result.registrations.filter((r) => r.type === type);
    assert.equal(found.length, 1, `exactly one ${type}`);
    return found[0];
}

describe("program: registration for the default audience", () => {
    it("declares the component, application, service principal and secret with exact inputs", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com" });
        assert.deepEqual(result.registrations.map((r) => `${r.type} ${r.name}`).sort(), [
            `${APP} nocobase-mail-application`,
            `${PASSWORD} nocobase-mail-client-secret`,
            `${SP} nocobase-mail-service-principal`,
            `${COMPONENT} nocobase-mail`,
        ].sort());
        const app = only(result, APP);
        assert.deepEqual(app.inputs, {
            displayName: "NocoBase Email (dev)",
            signInAudience: "AzureADandPersonalMicrosoftAccount",
            api: { requestedAccessTokenVersion: 2 },
            web: { redirectUris: ["https://crm.example.com/admin/settings/mail/oauth2"] },
            requiredResourceAccesses: GRAPH_ACCESS,
            owners: [MOCK_DEPLOYER.objectId],
        });
        assert.equal(app.importId, undefined);
        const sp = only(result, SP);
        assert.deepEqual(sp.inputs, { clientId: result.outputs.clientId, owners: [MOCK_DEPLOYER.objectId] });
        const secret = only(result, PASSWORD);
        assert.deepEqual(secret.inputs, {
            applicationId: `/applications/${String(result.outputs.applicationObjectId)}`,
            displayName: "nocobase-mail dev 2026-09-04 gen 1",
            endDate: "2027-03-03T00:00:00Z",
            rotateWhenChanged: { rotationWindowStart: "2026-09-04T00:00:00Z", generation: "1" },
        });
        assert.ok(!result.registrations.some((r) => r.type === GRANT));
    });

    it("lists each mail scope once, by Microsoft's IDs, in a stable order", () => {
        assert.deepEqual(MAIL_DELEGATED_SCOPES.map((s) => s.name), ["email", "offline_access", "IMAP.AccessAsUser.All", "SMTP.Send", "User.Read"]);
        assert.equal(new Set(MAIL_DELEGATED_SCOPES.map((s) => s.id)).size, 5);
    });

    it("exports the outputs, with the client secret as a secret and nowhere in plaintext", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com" });
        const secretValue = String(result.outputs.clientSecret);
        assert.match(secretValue, /^mock-client-secret-/);
        assert.deepEqual(result.secretOutputs, ["clientSecret"]);
        assert.deepEqual(Object.keys(result.outputs).sort(), [
            "adminConsent", "applicationObjectId", "clientId", "clientSecret", "clientSecretExpiresAt", "clientSecretKeyId",
            "displayName", "environment", "nextRotationAt", "nocobaseApiUrl", "nocobaseClientIdVariable",
            "nocobaseClientSecretVariable", "nocobaseSubApp", "redirectUris", "servicePrincipalObjectId", "signInAudience", "tenantId",
        ]);
        assert.equal(result.outputs.tenantId, MOCK_DEPLOYER.tenantId);
        assert.equal(result.outputs.clientSecretExpiresAt, "2027-03-03T00:00:00Z");
        assert.equal(result.outputs.nextRotationAt, "2026-12-03T00:00:00Z");
        const { clientSecret: _hidden, ...plain } = result.outputs;
        assert.ok(!JSON.stringify(plain).includes(secretValue));
    });
});

describe("program: audiences, URLs and consent", () => {
    it("leaves the access-token version alone for an organisation-only audience", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com", signInAudience: "AzureADMyOrg" });
        const app = only(result, APP);
        assert.equal(app.inputs.signInAudience, "AzureADMyOrg");
        assert.equal("api" in app.inputs, false);
    });

    it("requests v2 tokens for personal accounts only", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com", signInAudience: "PersonalMicrosoftAccount" });
        assert.deepEqual(only(result, APP).inputs.api, { requestedAccessTokenVersion: 2 });
    });

    it("derives callbacks for a public path, a sub-application and extra URLs", async () => {
        const result = await run({
            nocobaseUrl: "https://example.com/nocobase/",
            nocobaseSubApp: "sales",
            extraNocobaseUrls: JSON.stringify(["https://crm.internal.example.com//nocobase", "https://example.com/nocobase"]),
        });
        const expected = [
            "https://example.com/nocobase/apps/sales/admin/settings/mail/oauth2",
            "https://crm.internal.example.com/nocobase/apps/sales/admin/settings/mail/oauth2",
        ];
        assert.deepEqual(only(result, APP).inputs.web, { redirectUris: expected });
        assert.deepEqual(result.outputs.redirectUris, expected);
    });

    it("grants admin consent with one grant holding all five scopes against Microsoft Graph", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com", grantAdminConsent: "true" });
        const grant = only(result, GRANT);
        assert.equal(grant.name, "nocobase-mail-admin-consent");
        assert.deepEqual(grant.inputs, {
            servicePrincipalObjectId: result.outputs.servicePrincipalObjectId,
            resourceServicePrincipalObjectId: MOCK_GRAPH_SERVICE_PRINCIPAL_ID,
            claimValues: ["email", "offline_access", "IMAP.AccessAsUser.All", "SMTP.Send", "User.Read"],
        });
        assert.ok(result.invokes.some((i) => i.token === "azuread:index/getServicePrincipal:getServicePrincipal" &&
            i.inputs.clientId === MICROSOFT_GRAPH_APP_ID));
        assert.equal(result.outputs.adminConsent, true);
    });

    it("keeps the deploying identity as owner beside the configured owners", async () => {
        const owner = "5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f";
        const result = await run({ nocobaseUrl: "https://crm.example.com", owners: JSON.stringify([owner, MOCK_DEPLOYER.objectId]) });
        assert.deepEqual(only(result, APP).inputs.owners, [MOCK_DEPLOYER.objectId, owner]);
        assert.deepEqual(only(result, SP).inputs.owners, [MOCK_DEPLOYER.objectId, owner]);
    });

    it("imports an adopted registration instead of creating one", async () => {
        const id = "9a8b7c6d-1111-4222-8333-444455556666";
        const result = await run({ nocobaseUrl: "https://crm.example.com", adoptApplicationObjectId: id });
        const app = only(result, APP);
        assert.equal(app.importId, `/applications/${id}`);
        assert.equal(result.outputs.applicationObjectId, id);
        assert.equal(only(result, SP).inputs.useExisting, true, "takes over the existing service principal");
        assert.equal(only(result, APP).inputs.displayName, "NocoBase Email (dev)", "the import then aligns the registration with the stack");
    });
});

describe("program: secret rotation", () => {
    const config = { nocobaseUrl: "https://crm.example.com", secretRotationDays: "30", secretLifetimeDays: "60" };
    const windowStart = new Date("2026-11-03T00:00:00Z");

    it("gives byte-identical secret inputs at two instants of one window (no diff, no replacement)", async () => {
        const early = await run(config, { now: new Date(windowStart.getTime() + 1000) });
        const late = await run(config, { now: new Date(windowStart.getTime() + 30 * 86400000 - 1000) });
        assert.deepEqual(only(late, PASSWORD).inputs, only(early, PASSWORD).inputs);
        assert.deepEqual(only(late, APP).inputs, only(early, APP).inputs);
        assert.equal(only(early, PASSWORD).inputs.endDate, "2027-01-02T00:00:00Z");
    });

    it("changes the replacing inputs of the secret once the window has passed", async () => {
        const before = await run(config, { now: new Date(windowStart.getTime() + 86400000) });
        const after = await run(config, { now: new Date(windowStart.getTime() + 31 * 86400000) });
        const a = only(before, PASSWORD).inputs;
        const b = only(after, PASSWORD).inputs;
        assert.notDeepEqual(b.rotateWhenChanged, a.rotateWhenChanged);
        assert.equal(b.endDate, "2027-02-01T00:00:00Z");
        assert.notEqual(after.outputs.clientSecretKeyId, before.outputs.clientSecretKeyId);
        assert.deepEqual(only(after, APP).inputs, only(before, APP).inputs, "the application itself does not change");
    });

    it("rotates now when the generation is raised", async () => {
        const first = await run(config);
        const second = await run({ ...config, secretGeneration: "2" });
        assert.deepEqual(only(second, PASSWORD).inputs.rotateWhenChanged, { rotationWindowStart: "2026-11-03T00:00:00Z", generation: "2" });
        assert.notDeepEqual(only(second, PASSWORD).inputs, only(first, PASSWORD).inputs);
    });
});

describe("program: refusals", () => {
    const bad: Array<[string, Record<string, string>, RegExp]> = [
        ["a missing URL", {}, /nocobaseUrl is not set/],
        ["http for a public host", { nocobaseUrl: "http://crm.example.com" }, /uses http/],
        ["a lifetime not above the rotation", { nocobaseUrl: "https://crm.example.com", secretLifetimeDays: "60", secretRotationDays: "60" }, /not above secretRotationDays/],
        ["an unknown audience", { nocobaseUrl: "https://crm.example.com", signInAudience: "All" }, /must be one of/],
        ["a bad sub-application", { nocobaseUrl: "https://crm.example.com", nocobaseSubApp: "a/b" }, /nocobaseSubApp/],
    ];
    for (const [what, config, pattern] of bad) {
        it(`refuses ${what} with a RunError before anything is registered`, async () => {
            const failure = await runExpectingFailure(config);
            assert.ok(pulumi.RunError.isInstance(failure.error), "a RunError, printed without stack trace");
            assert.match(failure.error.message, pattern);
            assert.match(failure.error.message, /Fix: /);
            assert.deepEqual(failure.registrations, []);
            assert.deepEqual(failure.invokes, []);
        });
    }
});

describe("program: hand-over to NocoBase", () => {
    const TOKEN = "nocobase-api-token-that-must-not-leak";

    it("declares no NocoBase resource without an API token", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com" });
        assert.ok(!result.registrations.some((r) => r.type.startsWith(DYNAMIC_RESOURCE_PREFIX)));
    });

    it("writes both variables from the current secret when a token is set, never passing the token", async () => {
        const result = await run({
            nocobaseUrl: "https://example.com/nb", nocobaseApiToken: TOKEN, nocobaseClientIdVariable: "OUTLOOK_ID",
        }, { secretKeys: ["nocobaseApiToken"] });
        const handover = result.registrations.filter((r) => r.type.startsWith(DYNAMIC_RESOURCE_PREFIX));
        assert.equal(handover.length, 1);
        const inputs = handover[0].inputs;
        assert.equal(handover[0].name, "nocobase-mail-variables");
        assert.equal(inputs.apiUrl, "https://example.com/nb/api");
        assert.equal(inputs.clientIdVariable, "OUTLOOK_ID");
        assert.equal(inputs.clientSecretVariable, "MICROSOFT_EMAIL_CLIENT_SECRET");
        assert.equal(inputs.clientId, result.outputs.clientId);
        // The mock monitor hands secrets over in Pulumi's secret envelope: the value stays marked secret.
        assert.deepEqual(inputs.clientSecret, { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: result.outputs.clientSecret },
            "the current secret, as a secret, so a rotation updates NocoBase");
        assert.equal(inputs.clientSecretKeyId, result.outputs.clientSecretKeyId);
        assert.equal(inputs.tenantId, result.outputs.tenantId, "the home tenant, where the secret is proven");
        assert.equal(inputs.signInAudience, "AzureADandPersonalMicrosoftAccount");
        assert.equal(inputs.appName, undefined, "the main application");
        assert.ok(!JSON.stringify(result.registrations).includes(TOKEN), "the API token is no resource input");
        assert.ok(!JSON.stringify(result.outputs).includes(TOKEN));
    });

    it("addresses a sub-application's own variables", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com", nocobaseSubApp: "sales", nocobaseApiToken: TOKEN },
            { secretKeys: ["nocobaseApiToken"] });
        const handover = result.registrations.find((r) => r.type.startsWith(DYNAMIC_RESOURCE_PREFIX));
        assert.equal(handover?.inputs.appName, "sales");
        assert.equal(handover?.inputs.apiUrl, "https://crm.example.com/api");
        assert.equal(result.outputs.nocobaseSubApp, "sales");
    });
});
