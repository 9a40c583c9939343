// What an app-management policy means for one application, judged without a network.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    allowedAudience, durationDays, judgePolicies, type AppManagementPolicy, type TenantAppManagementPolicy,
} from "../../src/microsoft/app-management-policy";

const NOW = new Date("2026-12-02T12:00:00Z");

function tenant(restrictions: TenantAppManagementPolicy["applicationRestrictions"], isEnabled = true): TenantAppManagementPolicy {
    return { id: "00000000-0000-0000-0000-000000000000", isEnabled, applicationRestrictions: restrictions };
}

const LIFETIME_90 = { restrictionType: "passwordLifetime", state: "enabled", maxLifetime: "P90D", restrictForAppsCreatedAfterDateTime: null };
const NO_SECRETS = { restrictionType: "passwordAddition", state: "enabled", maxLifetime: null, restrictForAppsCreatedAfterDateTime: null };

/** `createdAt` null: an application not created yet. */
function judge(tenantDefault: TenantAppManagementPolicy | undefined, applicationPolicies: AppManagementPolicy[] = [],
    createdAt: string | null = "2025-01-01T00:00:00Z") {
    return judgePolicies({ readable: true, tenantDefault, applicationPolicies }, { applicationCreatedAt: createdAt ?? undefined, now: NOW });
}

describe("app-management policy: durations", () => {
    it("reads ISO 8601 durations in days, and refuses years and months, which have no fixed length", () => {
        assert.equal(durationDays("P90D"), 90);
        assert.equal(durationDays("P2W"), 14);
        assert.equal(durationDays("P4DT12H"), 4.5);
        assert.equal(durationDays("PT36H"), 1.5);
        assert.equal(durationDays("P1Y"), undefined);
        assert.equal(durationDays("P"), undefined);
        assert.equal(durationDays("90"), undefined);
    });
});

describe("app-management policy: what applies", () => {
    it("applies an enabled tenant default: a 90-day cap in whole days", () => {
        const verdict = judge(tenant({ passwordCredentials: [LIFETIME_90] }));
        assert.equal(verdict.policy?.kind, "tenant default");
        assert.equal(verdict.lifetimeCap?.days, 90);
        assert.equal(verdict.lifetimeCap?.maxLifetime, "P90D");
        assert.equal(verdict.secretsBlocked, undefined);
    });

    it("rounds a fractional cap down: a secret of the rounded-up length would be refused", () => {
        const verdict = judge(tenant({ passwordCredentials: [{ ...LIFETIME_90, maxLifetime: "P90DT12H" }] }));
        assert.equal(verdict.lifetimeCap?.days, 90);
    });

    it("ignores a disabled tenant default and a disabled restriction", () => {
        assert.equal(judge(tenant({ passwordCredentials: [LIFETIME_90, NO_SECRETS] }, false)).policy, undefined);
        const verdict = judge(tenant({ passwordCredentials: [{ ...NO_SECRETS, state: "disabled" }] }));
        assert.equal(verdict.secretsBlocked, undefined);
        assert.equal(verdict.policy?.kind, "tenant default");
    });

    it("blocks new secrets with passwordAddition", () => {
        assert.deepEqual(judge(tenant({ passwordCredentials: [NO_SECRETS] })).secretsBlocked,
            { forAppsCreatedAfter: undefined, exemptsSomeCallers: false });
    });

    it("covers only applications created on or after restrictForAppsCreatedAfterDateTime", () => {
        const dated = tenant({ passwordCredentials: [{ ...NO_SECRETS, restrictForAppsCreatedAfterDateTime: "2026-06-01T00:00:00Z" }] });
        assert.equal(judge(dated, [], "2026-05-31T23:59:59Z").secretsBlocked, undefined, "older application");
        assert.equal(judge(dated, [], "2026-06-01T00:00:00Z").secretsBlocked?.forAppsCreatedAfter, "2026-06-01T00:00:00Z");
        assert.ok(judge(dated, [], null).secretsBlocked, "an application not created yet would be created now");
        const future = tenant({ passwordCredentials: [{ ...NO_SECRETS, restrictForAppsCreatedAfterDateTime: "2027-01-01T00:00:00Z" }] });
        assert.equal(judge(future, [], null).secretsBlocked, undefined, "not yet in force for a new application");
    });

    it("lets an enabled policy assigned to the application replace the tenant default (an exclusion)", () => {
        const strict = tenant({ passwordCredentials: [LIFETIME_90, NO_SECRETS] });
        const exempt: AppManagementPolicy = { id: "p-1", displayName: "NocoBase exemption", isEnabled: true, restrictions: { passwordCredentials: [] } };
        const verdict = judge(strict, [exempt]);
        assert.deepEqual(verdict.policy, { kind: "application", id: "p-1", displayName: "NocoBase exemption" });
        assert.equal(verdict.lifetimeCap, undefined);
        assert.equal(verdict.secretsBlocked, undefined);
        const longer: AppManagementPolicy = { id: "p-2", isEnabled: true, restrictions: { passwordCredentials: [{ ...LIFETIME_90, maxLifetime: "P365D" }] } };
        assert.equal(judge(strict, [longer]).lifetimeCap?.days, 365);
        // A disabled assigned policy is not in force: the tenant default still applies.
        assert.equal(judge(strict, [{ ...exempt, isEnabled: false }]).lifetimeCap?.days, 90);
    });

    it("reports a restriction that exempts callers by custom security attribute", () => {
        const verdict = judge(tenant({ passwordCredentials: [{ ...NO_SECRETS, excludeActors: { customSecurityAttributes: [{ id: "x" }] } }] }));
        assert.equal(verdict.secretsBlocked?.exemptsSomeCallers, true);
    });

    it("blocks the personal-account audiences, and names the most open audience still allowed", () => {
        const personal = judge(tenant({ audiences: { personalMicrosoftAccount: { state: "enabled" } } }));
        assert.deepEqual([...personal.blockedAudiences.keys()].sort(), ["AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"]);
        assert.equal(allowedAudience(personal, "AzureADandPersonalMicrosoftAccount"), "AzureADMultipleOrgs");
        const both = judge(tenant({ audiences: { personalMicrosoftAccount: { state: "enabled" }, azureAdMultipleOrgs: { state: "enabled" } } }));
        assert.equal(allowedAudience(both, "AzureADandPersonalMicrosoftAccount"), "AzureADMyOrg");
        assert.equal(allowedAudience(both, "AzureADMyOrg"), "AzureADMyOrg");
        assert.equal(judge(tenant({ audiences: { personalMicrosoftAccount: { state: "disabled" } } })).blockedAudiences.size, 0);
    });

    it("finds nothing when no policy is enabled or readable content is empty", () => {
        const verdict = judge(undefined);
        assert.equal(verdict.policy, undefined);
        assert.equal(verdict.lifetimeCap, undefined);
        assert.equal(verdict.blockedAudiences.size, 0);
    });
});
