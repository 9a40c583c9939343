// The adoption preflight's judgement without a network: rights that replace ownership, audiences
// without a secret limit, the token version, settings it cannot vouch for, a grant's extra scopes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareRegistration, type AdoptionItem } from "../../src/operations/adoption/adoption-report";
import type { DeployerIdentity } from "../../src/operations/adoption/deployer-identity";
import type { AdoptionSnapshot } from "../../src/operations/adoption/live-registration";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";
import { validateSettings, type RawSettings, type Settings } from "../../src/configuration/settings";

const DEPLOYER = "d0000000-0000-4000-8000-000000000001";
const CALLBACK = "https://crm.example.com/admin/settings/mail/oauth2";

function settings(raw: Partial<RawSettings> = {}): Settings {
    const result = validateSettings({ stack: "s", nocobaseApiTokenSet: false, nocobaseUrl: "https://crm.example.com", displayName: "Mail", ...raw });
    assert.ok(result.ok);
    return result.settings;
}

function snapshot(overrides: Partial<AdoptionSnapshot> = {}): AdoptionSnapshot {
    return {
        objectId: "a0000000-0000-4000-8000-000000000001", appId: "c0000000-0000-4000-8000-000000000001", displayName: "Mail",
        signInAudience: "AzureADandPersonalMicrosoftAccount", createdDateTime: "2025-03-01T00:00:00Z",
        api: { requestedAccessTokenVersion: 2, oauth2PermissionScopes: 0, knownClientApplications: 0, preAuthorizedApplications: 0 },
        identifierUris: [], appRoles: 0,
        redirectUris: { web: [CALLBACK], spa: [], publicClient: [] },
        permissions: MAIL_DELEGATED_SCOPES.map((s) => ({ resourceAppId: MICROSOFT_GRAPH_APP_ID, type: "Scope" as const, id: s.id })),
        secrets: [], owners: [{ id: DEPLOYER, displayName: "ci", kind: "servicePrincipal" }],
        servicePrincipalId: "e0000000-0000-4000-8000-000000000001", adminConsentGrant: undefined, graphPermissionNames: new Map(),
        ...overrides,
    };
}

const deployer: DeployerIdentity = { objectId: DEPLOYER, kind: "application", updatesAnyApplication: undefined };

/** A tenant without an enabled app-management policy, read with the permission. */
const NO_POLICY = { policies: { readable: true, tenantDefault: undefined, applicationPolicies: [] }, now: new Date("2026-12-01T00:00:00Z") } as const;

function items(snap: AdoptionSnapshot, s: Settings, who: DeployerIdentity = deployer): AdoptionItem[] {
    return [...compareRegistration(snap, { settings: s, deployer: who, adoptCommand: "nocobase-entra-mail adopt x", ...NO_POLICY }).items];
}

describe("adoption report", () => {
    it("finds nothing to lose in a registration that already matches the stack", () => {
        const report = compareRegistration(snapshot(), { settings: settings(), deployer, adoptCommand: "x", ...NO_POLICY });
        assert.equal(report.exitCode, 0);
        assert.deepEqual(report.items.filter((i) => i.effect !== "keep"), []);
    });

    it("lets a Cloud Application Administrator adopt an application it does not own", () => {
        const person: DeployerIdentity = { objectId: "f0000000-0000-4000-8000-000000000001", kind: "person", updatesAnyApplication: "Cloud Application Administrator" };
        const found = items(snapshot(), settings(), person).filter((i) => i.area === "deployer");
        assert.deepEqual(found.map((i) => i.effect), ["keep"]);
        assert.match(found[0].detail ?? "", /Cloud Application Administrator lets it update/);
    });

    it("sets no secret limit for organisation-only audiences", () => {
        const secrets = [1, 2, 3].map((n) => ({ keyId: `k${n}`, displayName: null, endDateTime: "2027-01-01T00:00:00Z" }));
        const found = items(snapshot({ signInAudience: "AzureADMyOrg", secrets, api: { ...snapshot().api, requestedAccessTokenVersion: null } }),
            settings({ signInAudience: "AzureADMyOrg" }));
        assert.ok(!found.some((i) => i.effect === "fails"));
        assert.ok(!found.some((i) => i.subject === "access token version"), "an organisation-only app keeps its token version");
    });

    it("reports the access token version and the audience it changes", () => {
        const found = items(snapshot({ signInAudience: "AzureADMyOrg", api: { ...snapshot().api, requestedAccessTokenVersion: null } }), settings());
        assert.ok(found.some((i) => i.effect === "change" && i.subject === "access token version"));
        assert.ok(found.some((i) => i.effect === "change" && i.subject === "sign-in audience"));
    });

    it("lists pre-authorized applications as something to check after pulumi up", () => {
        const found = items(snapshot({ api: { ...snapshot().api, preAuthorizedApplications: 2 } }), settings());
        assert.match(found.find((i) => i.subject.includes("pre-authorized"))?.detail ?? "", /check them after pulumi up/);
    });

    it("counts a managed grant's scopes beyond the five as removed, with the way to leave the grant alone", () => {
        const grant = { id: "g1", scopes: [...MAIL_DELEGATED_SCOPES.map((s) => s.name), "Mail.Read"] };
        const report = compareRegistration(snapshot({ adminConsentGrant: grant }),
            { settings: settings({ grantAdminConsent: "true", adoptAdminConsentGrantId: "g1" }), deployer, adoptCommand: "x", ...NO_POLICY });
        const removed = report.items.filter((i) => i.effect === "remove");
        assert.deepEqual(removed.map((i) => i.subject), ["consented scope Mail.Read"]);
        assert.match(removed[0].fix ?? "", /grantAdminConsent false && pulumi config rm --stack s nocobase-entra-mail:adoptAdminConsentGrantId/);
        assert.equal(report.exitCode, 1);
    });
});
