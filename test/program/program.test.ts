// The real program (index.ts) under recording mocks: exact inputs of every registration.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";
import { ProgramFailure, ProgramRun, runProgram } from "../../src/operations/plan/program-runner";
import { runInChild } from "./program-in-child";
import { DYNAMIC_RESOURCE_PREFIX, MOCK_DEPLOYER, MOCK_GRAPH_SERVICE_PRINCIPAL_ID, Registration } from "../../src/operations/plan/recording-mocks";

const NOW = new Date("2026-11-23T12:00:00Z");
const APP = "azuread:index/application:Application";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const GRANT = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
const COMPONENT = "nocobase-entra-mail:entra:MailAppRegistration";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";
const NOCOBASE_MAIL = "nocobase-entra-mail:index:NocobaseMail";

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

function run(config: Record<string, string>,
    options: { stack?: string; now?: Date; secretKeys?: string[]; previousOutputs?: Record<string, unknown> } = {}): Promise<ProgramRun> {
    return runProgram({ stack: options.stack ?? "dev", config, now: options.now ?? NOW, secretKeys: options.secretKeys, previousOutputs: options.previousOutputs });
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
    it("declares the component, application, service principal and secret slot a with exact inputs", async () => {
        const result = await run({ nocobaseUrl: "https://crm.example.com" });
        assert.deepEqual(result.registrations.map((r) => `${r.type} ${r.name}`).sort(), [
            `${APP} nocobase-mail-application`,
            `${PASSWORD} nocobase-mail-client-secret-a`,
            `${SP} nocobase-mail-service-principal`,
            `${COMPONENT} nocobase-mail`,
            `${STACK_REFERENCE} nocobase-mail-last-outputs`,
            `${NOCOBASE_MAIL} nocobase-mail`,
        ].sort());
        assert.equal(only(result, STACK_REFERENCE).inputs.name, "organization/nocobase-entra-mail/dev", "reads its own stack's last outputs");
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
            displayName: "nocobase-mail dev 2026-11-03 gen 1 (slot a)",
            endDate: "2027-05-02T00:00:00Z",
            rotateWhenChanged: { rotationWindowStart: "2026-11-03T00:00:00Z", generation: "1" },
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
            "additionalPermissions", "adminConsent", "applicationObjectId", "clientId", "clientSecret", "clientSecretExpiresAt",
            "clientSecretKeyId", "displayName", "emailSettings", "environment", "nextRotationAt", "nextRotationReplacesSlot", "nocobaseApiUrl",
            "nocobaseClientIdVariable", "nocobaseClientSecretVariable", "nocobaseSubApp", "owners", "pastedSecret", "redirectUris", "secretRotation",
            "servicePrincipalObjectId", "signInAudience", "tenantId",
        ]);
        assert.equal(result.outputs.tenantId, MOCK_DEPLOYER.tenantId);
        assert.equal(result.outputs.clientSecretExpiresAt, "2027-05-02T00:00:00Z");
        assert.equal(result.outputs.nextRotationAt, "2027-01-02T00:00:00Z");
        assert.equal(result.outputs.nextRotationReplacesSlot, "b");
        assert.deepEqual(result.outputs.secretRotation, {
            nocobaseSlot: "a",
            slots: {
                a: { kind: "window", windowStart: "2026-11-03T00:00:00Z", generation: 1, expiresAt: "2027-05-02T00:00:00Z", keyId: result.outputs.clientSecretKeyId },
                b: null,
            },
        });
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
    const config = { nocobaseUrl: "https://crm.example.com", secretRotationDays: "30", secretLifetimeDays: "90" };
    const windowStart = new Date("2026-11-03T00:00:00Z");
    const at = (days: number) => new Date(windowStart.getTime() + days * 86400000);
    const passwords = (result: ProgramRun) => Object.fromEntries(result.registrations.filter((r) => r.type === PASSWORD).map((r) => [r.name, r.inputs]));

    it("gives byte-identical slot inputs at two instants of one window (no diff, no replacement)", async () => {
        const first = await run(config, { now: at(0) });
        const early = await run(config, { now: new Date(windowStart.getTime() + 1000), previousOutputs: first.outputs });
        const late = await run(config, { now: new Date(at(30).getTime() - 1000), previousOutputs: early.outputs });
        assert.deepEqual(passwords(late), passwords(early));
        assert.deepEqual(passwords(early), passwords(first));
        assert.deepEqual(late.outputs.secretRotation, first.outputs.secretRotation);
        assert.deepEqual(only(late, APP).inputs, only(early, APP).inputs);
        assert.equal(passwords(early)["nocobase-mail-client-secret-a"].endDate, "2027-02-01T00:00:00Z");
    });

    it("in a new window makes slot b, hands it to NocoBase and keeps slot a's inputs", async () => {
        const before = await run(config, { now: at(1) });
        const after = await run(config, { now: at(31), previousOutputs: before.outputs });
        const slots = passwords(after);
        assert.deepEqual(slots["nocobase-mail-client-secret-a"], passwords(before)["nocobase-mail-client-secret-a"]);
        assert.deepEqual(slots["nocobase-mail-client-secret-b"].rotateWhenChanged, { rotationWindowStart: "2026-12-03T00:00:00Z", generation: "1" });
        assert.equal(slots["nocobase-mail-client-secret-b"].endDate, "2027-03-03T00:00:00Z");
        assert.equal((after.outputs.secretRotation as { nocobaseSlot: string }).nocobaseSlot, "b");
        assert.notEqual(after.outputs.clientSecretKeyId, before.outputs.clientSecretKeyId);
        assert.equal(after.outputs.nextRotationAt, "2027-01-02T00:00:00Z");
        assert.equal(after.outputs.nextRotationReplacesSlot, "a");
        const b = after.registrations.find((r) => r.name === "nocobase-mail-client-secret-b");
        assert.equal(b?.options?.deleteBeforeReplace, true, "the slot NocoBase does not hold is replaced delete-before-replace");
        const a = after.registrations.find((r) => r.name === "nocobase-mail-client-secret-a");
        assert.equal(a?.options?.deleteBeforeReplace, false, "the fallback is never deleted first");
        assert.deepEqual(only(after, APP).inputs, only(before, APP).inputs, "the application itself does not change");
    });

    it("rotates now when the generation is raised, into the slot NocoBase does not hold", async () => {
        const first = await run(config, { now: at(1) });
        const second = await run({ ...config, secretGeneration: "2" }, { now: at(2), previousOutputs: first.outputs });
        assert.deepEqual(passwords(second)["nocobase-mail-client-secret-b"].rotateWhenChanged, { rotationWindowStart: "2026-11-03T00:00:00Z", generation: "2" });
        assert.deepEqual(passwords(second)["nocobase-mail-client-secret-a"], passwords(first)["nocobase-mail-client-secret-a"]);
        assert.equal((second.outputs.secretRotation as { nocobaseSlot: string }).nocobaseSlot, "b");
    });

    it("refuses to guess when the recorded rotation state is unreadable, before any secret is declared", () => {
        const outcome = runInChild({ stack: "dev", config, now: NOW, previousOutputs: { secretRotation: { nocobaseSlot: "z", slots: {} } } });
        assert.equal(outcome.ok, false);
        assert.equal(outcome.runError, true, "a configuration mistake, printed without a stack trace");
        assert.match(outcome.message ?? "", /Cannot tell which client secret NocoBase holds[\s\S]*Fix: /);
        assert.deepEqual(outcome.registrations, [NOCOBASE_MAIL, STACK_REFERENCE]);
    });
});

describe("program: what NocoBase's Email Settings read", () => {
    const config = { nocobaseUrl: "https://crm.example.com", secretRotationDays: "30", secretLifetimeDays: "90" };
    const pastedConfig = { ...config, emailSettings: "pasted" };
    const windowStart = new Date("2026-11-03T00:00:00Z");
    const at = (days: number) => new Date(windowStart.getTime() + days * 86400000);
    const passwords = (result: ProgramRun) => Object.fromEntries(result.registrations.filter((r) => r.type === PASSWORD).map((r) => [r.name, r.inputs]));
    const password = (result: ProgramRun, slot: string) => result.registrations.find((r) => r.name === `nocobase-mail-client-secret-${slot}`);
    type Record = { nocobaseSlot: string; slots: Partial<{ [slot: string]: { keyId: string; expiresAt: string } | null }> };
    const record = (result: ProgramRun) => result.outputs.secretRotation as Record;
    const keyOf = (result: ProgramRun, slot: string) => String(record(result).slots[slot]?.keyId);

    async function capturingWarnings<T>(body: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
        const warnings: string[] = [];
        const original = console.warn;
        console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(" ")); };
        try {
            return { value: await body(), warnings };
        } finally {
            console.warn = original;
        }
    }

    it("gives a new stack pasted, offering its first secret for pasting by the next rotation", async () => {
        const { value: first, warnings } = await capturingWarnings(() => run(config, { now: at(1) }));
        assert.equal(first.outputs.emailSettings, "pasted");
        assert.deepEqual(first.outputs.pastedSecret, {
            awaitingSlot: "a", awaitingKeyId: first.outputs.clientSecretKeyId, awaitingSince: "2026-11-03T00:00:00Z", pasteBy: "2026-12-03T00:00:00Z",
        });
        const awaiting = warnings.filter((w) => w.includes("awaits pasting"));
        assert.equal(awaiting.length, 1);
        assert.match(awaiting[0], /before 2026-12-03T00:00:00Z\. No pasted secret is confirmed yet/);
        assert.ok(awaiting[0].includes(`pulumi config set --stack dev nocobase-entra-mail:pastedSecretKeyId ${String(first.outputs.clientSecretKeyId)}`));
        assert.ok(!awaiting[0].includes(String(first.outputs.clientSecret)), "the warning never carries the secret");
    });

    it("keeps an existing stack that has not chosen on variables, rotating as before, and tells it once to choose", async () => {
        const before = await run(config, { now: at(1) });
        const { value: after, warnings } = await capturingWarnings(() => run(config, { now: at(31), previousOutputs: before.outputs }));
        assert.equal(after.outputs.emailSettings, "variables");
        assert.deepEqual(after.outputs.pastedSecret, {});
        assert.equal(record(after).nocobaseSlot, "b");
        assert.deepEqual(passwords(after)["nocobase-mail-client-secret-a"], passwords(before)["nocobase-mail-client-secret-a"]);
        const told = warnings.filter((w) => w.includes("emailSettings is not set"));
        assert.equal(told.length, 1);
        assert.match(told[0], /pulumi config set --stack dev nocobase-entra-mail:emailSettings pasted .* or pulumi config set --stack dev nocobase-entra-mail:emailSettings variables\.$/);
        const chosen = await capturingWarnings(() => run({ ...config, emailSettings: "variables" }, { now: at(32), previousOutputs: after.outputs }));
        assert.deepEqual(chosen.warnings.filter((w) => w.includes("emailSettings is not set")), [], "a stack that chose is not told again");
        assert.deepEqual(passwords(chosen.value), passwords(after), "choosing variables changes nothing");
    });

    it("never makes the confirmed slot anew: a due rotation fills the other slot, again while it is not confirmed", async () => {
        const first = await run(pastedConfig, { now: at(1) });
        const a = keyOf(first, "a");
        const confirmedA = { ...pastedConfig, pastedSecretKeyId: a };
        const second = await run(confirmedA, { now: at(31), previousOutputs: first.outputs });
        assert.deepEqual(passwords(second)["nocobase-mail-client-secret-a"], passwords(first)["nocobase-mail-client-secret-a"]);
        assert.equal(record(second).nocobaseSlot, "b");
        assert.equal(second.outputs.nextRotationReplacesSlot, "b", "the unconfirmed newest slot, not the pasted one");
        assert.deepEqual(second.outputs.pastedSecret, {
            confirmedKeyId: a, confirmedSlot: "a", confirmedExpiresAt: "2027-02-01T00:00:00Z",
            awaitingSlot: "b", awaitingKeyId: keyOf(second, "b"), awaitingSince: "2026-12-03T00:00:00Z", pasteBy: "2027-01-02T00:00:00Z",
        });
        // Never confirmed: the next rotation makes b anew (delete-before-replace) and keeps a exactly.
        const third = await run(confirmedA, { now: at(61), previousOutputs: second.outputs });
        assert.deepEqual(passwords(third)["nocobase-mail-client-secret-a"], passwords(first)["nocobase-mail-client-secret-a"]);
        assert.equal(password(third, "a")?.options?.deleteBeforeReplace, false);
        assert.deepEqual(passwords(third)["nocobase-mail-client-secret-b"].rotateWhenChanged, { rotationWindowStart: "2027-01-02T00:00:00Z", generation: "1" });
        assert.equal(password(third, "b")?.options?.deleteBeforeReplace, true);
        assert.equal(record(third).nocobaseSlot, "b");
        assert.equal((third.outputs.pastedSecret as { pasteBy: string }).pasteBy, "2027-02-01T00:00:00Z", "a's expiry comes before the next rotation");
        // Confirmed b: the next rotation makes a anew.
        const fourth = await run({ ...pastedConfig, pastedSecretKeyId: keyOf(third, "b") }, { now: at(91), previousOutputs: third.outputs });
        assert.deepEqual(passwords(fourth)["nocobase-mail-client-secret-b"], passwords(third)["nocobase-mail-client-secret-b"]);
        assert.equal(record(fourth).nocobaseSlot, "a");
        assert.equal(fourth.outputs.nextRotationReplacesSlot, "a", "a, offered and not yet confirmed, is made anew again; b stays");
        assert.equal(password(fourth, "a")?.options?.deleteBeforeReplace, true);
    });

    it("with an API key too, protects both the confirmed secret and the variables' one: the rotation waits for the paste", async () => {
        const withKey = { ...pastedConfig, nocobaseApiToken: "a-nocobase-api-key" };
        const first = await run(withKey, { now: at(1), secretKeys: ["nocobaseApiToken"] });
        const confirmedA = { ...withKey, pastedSecretKeyId: keyOf(first, "a") };
        const second = await run(confirmedA, { now: at(31), previousOutputs: first.outputs, secretKeys: ["nocobaseApiToken"] });
        assert.equal(record(second).nocobaseSlot, "b", "the variables move to the new secret");
        const { value: third, warnings } = await capturingWarnings(() => run(confirmedA, { now: at(61), previousOutputs: second.outputs, secretKeys: ["nocobaseApiToken"] }));
        assert.deepEqual(passwords(third), passwords(second), "neither slot is made anew");
        assert.deepEqual(record(third), record(second));
        assert.equal((third.outputs.pastedSecret as { pasteBy: string }).pasteBy, "2027-02-01T00:00:00Z", "only the held secret's expiry bounds the paste");
        assert.equal((third.outputs.pastedSecret as { rotationWaitsForPaste?: boolean }).rotationWaitsForPaste, true);
        assert.equal((second.outputs.pastedSecret as { rotationWaitsForPaste?: boolean }).rotationWaitsForPaste, undefined);
        assert.ok(warnings.some((w) => w.includes("The due rotation waits for it")), JSON.stringify(warnings));
    });

    it("refuses a confirmation of a secret the stack does not hold, naming the fix, before any secret is declared", async () => {
        const first = await run(pastedConfig, { now: at(1) });
        const stranger = "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd";
        const outcome = runInChild({ stack: "dev", config: { ...pastedConfig, pastedSecretKeyId: stranger }, now: at(2), previousOutputs: first.outputs });
        assert.equal(outcome.ok, false);
        assert.equal(outcome.runError, true);
        assert.match(outcome.message ?? "", new RegExp(`pastedSecretKeyId is ${stranger}, which is not a client secret of this stack`));
        assert.ok((outcome.message ?? "").includes(`Fix: paste the stack's newest secret into Email Settings (npm run email-settings -- --stack dev --show-secret), then ` +
            `pulumi config set --stack dev nocobase-entra-mail:pastedSecretKeyId ${keyOf(first, "a")}`), outcome.message);
        assert.deepEqual(outcome.registrations, [NOCOBASE_MAIL, STACK_REFERENCE]);
        const fresh = runInChild({ stack: "dev", config: { ...pastedConfig, pastedSecretKeyId: stranger }, now: at(2), previousOutputs: {} });
        assert.match(fresh.message ?? "", /has made none yet[\s\S]*Fix: pulumi config rm --stack dev nocobase-entra-mail:pastedSecretKeyId/);
        assert.deepEqual(fresh.registrations, [NOCOBASE_MAIL, STACK_REFERENCE]);
    });

    it("refuses an unknown emailSettings value and a malformed key ID before anything is registered", async () => {
        const unknown = await runExpectingFailure({ nocobaseUrl: "https://crm.example.com", emailSettings: "manual" });
        assert.match(unknown.error.message, /emailSettings is "manual"; it must be one of pasted, variables/);
        assert.match(unknown.error.message, /Fix: pulumi config set --stack dev nocobase-entra-mail:emailSettings pasted/);
        assert.deepEqual(unknown.registrations, []);
        const malformed = await runExpectingFailure({ nocobaseUrl: "https://crm.example.com", pastedSecretKeyId: "slot-a" });
        assert.match(malformed.error.message, /pastedSecretKeyId is "slot-a", not a client secret's key ID/);
        assert.deepEqual(malformed.registrations, []);
    });
});

describe("program: a stack whose last update did not export the rotation record", () => {
    it("warns that it rotates without a fallback, naming the outputs to export", async () => {
        const warnings: string[] = [];
        const warn = console.warn;
        console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(" ")); };
        try {
            await run({ nocobaseUrl: "https://crm.example.com" }, { previousOutputs: { mailClientId: "an output of another program" } });
            await run({ nocobaseUrl: "https://crm.example.com" }, { previousOutputs: {} });
        } finally {
            console.warn = warn;
        }
        const about = warnings.filter((w) => w.includes("exported no secretRotation"));
        assert.equal(about.length, 1, "only the stack that has outputs, none of them the record, is warned about");
        assert.match(about[0], /Fix: export the component's secretRotation and applicationObjectId/);
    });
});

describe("program: refusals", () => {
    const bad: Array<[string, Record<string, string>, RegExp]> = [
        ["a missing URL", {}, /nocobaseUrl is not set/],
        ["http for a public host", { nocobaseUrl: "http://crm.example.com" }, /uses http/],
        ["a lifetime without room for the overlap", { nocobaseUrl: "https://crm.example.com", secretLifetimeDays: "120", secretRotationDays: "60" }, /below 2 x secretRotationDays/],
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
        assert.equal(inputs.tenantId, MOCK_DEPLOYER.tenantId, "the home tenant, for the proof at Microsoft's token endpoint");
        assert.equal(inputs.signInAudience, "AzureADandPersonalMicrosoftAccount");
        assert.equal(inputs.appName, undefined, "the main application");
        const dependencies = handover[0].options?.dependencies ?? [];
        for (const r of result.registrations.filter((x) => x.type === APP || x.type === SP || x.type === PASSWORD)) {
            assert.ok(dependencies.some((urn) => urn.endsWith(`::${r.name}`)), `NocoBase is written after ${r.name}`);
        }
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

describe("program: configuration as Pulumi hands it over", () => {
    async function withEnvironment<T>(values: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
        const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
        const set = (entries: Record<string, string | undefined>) => {
            for (const [k, v] of Object.entries(entries)) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        };
        set(values);
        try {
            return await work();
        } finally {
            set(saved);
        }
    }

    it("declares the hand-over when NOCOBASE_API_TOKEN is exported where pulumi up runs, and refuses it blank", async () => {
        const result = await withEnvironment({ NOCOBASE_API_TOKEN: "exported-key-that-must-not-leak" },
            () => run({ nocobaseUrl: "https://crm.example.com" }));
        const handover = result.registrations.filter((r) => r.type.startsWith(DYNAMIC_RESOURCE_PREFIX));
        assert.equal(handover.length, 1);
        assert.ok(!JSON.stringify(result.registrations).includes("exported-key-that-must-not-leak"));
        const blank = await withEnvironment({ NOCOBASE_API_TOKEN: " " }, () => runExpectingFailure({ nocobaseUrl: "https://crm.example.com" }));
        assert.match(blank.error.message, /nocobaseApiToken is not set and NOCOBASE_API_TOKEN is set but empty/);
        assert.equal(blank.registrations.length, 0);
    });

    it("refuses an empty nocobaseApiToken", async () => {
        const failure = await withEnvironment({ NOCOBASE_API_TOKEN: undefined },
            () => runExpectingFailure({ nocobaseUrl: "https://crm.example.com", nocobaseApiToken: "" }));
        assert.match(failure.error.message, /nocobase-entra-mail:nocobaseApiToken is set but empty/);
    });

    it("refuses a mistyped key of the namespace, naming the key meant", async () => {
        const failure = await runExpectingFailure({ nocobaseUrl: "https://crm.example.com", grantAdminConsents: "true" });
        assert.ok(pulumi.RunError.isInstance(failure.error));
        assert.match(failure.error.message, /nocobase-entra-mail:grantAdminConsents is not a setting of this project .*did you mean grantAdminConsent/);
        assert.match(failure.error.message, /Fix: pulumi config rm --stack dev nocobase-entra-mail:grantAdminConsents && pulumi config set --stack dev nocobase-entra-mail:grantAdminConsent true/);
        assert.equal(failure.registrations.length, 0);
    });

    it("warns when NOCOBASE_ENTRA_MAIL_NOW fixes the clock, and follows it", async () => {
        const warnings: string[] = [];
        const original = console.warn;
        console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(" ")); };
        try {
            const result = await withEnvironment({ NOCOBASE_ENTRA_MAIL_NOW: "2030-01-01T00:00:00Z" },
                () => runProgram({ stack: "dev", config: { nocobaseUrl: "https://crm.example.com" } }));
            assert.match(String(result.outputs.nextRotationAt), /^2030-/);
        } finally {
            console.warn = original;
        }
        assert.ok(warnings.some((w) => /NOCOBASE_ENTRA_MAIL_NOW is set: the secret's rotation is computed as of 2030-01-01T00:00:00\.000Z/.test(w)),
            `warnings: ${JSON.stringify(warnings)}`);
    });

    it("does not warn for an offline evaluation at a chosen instant", async () => {
        const warnings: string[] = [];
        const original = console.warn;
        console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(" ")); };
        try {
            await run({ nocobaseUrl: "https://crm.example.com" });
        } finally {
            console.warn = original;
        }
        assert.deepEqual(warnings.filter((w) => w.includes("NOCOBASE_ENTRA_MAIL_NOW")), []);
    });
});
