// What an app-management policy refuses a stack, and the fix, without a network.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyChanges, validateSettings, type ConfigChange } from "../../src/configuration/settings";
import { judgePolicies, type TenantAppManagementPolicy } from "../../src/microsoft/app-management-policy";
import { policyProblems } from "../../src/operations/policy-problems";

const NOW = new Date("2026-12-02T00:00:00Z");

function verdictOf(restrictions: TenantAppManagementPolicy["applicationRestrictions"]) {
    return judgePolicies({ readable: true, tenantDefault: { id: "t", isEnabled: true, applicationRestrictions: restrictions }, applicationPolicies: [] },
        { applicationCreatedAt: "2026-01-01T00:00:00Z", now: NOW });
}

const target = { stack: "customer-a", schedule: { rotationDays: 60, lifetimeDays: 180 }, signInAudience: "AzureADandPersonalMicrosoftAccount", clientId: "c-1" };
const lifetime = (maxLifetime: string) => verdictOf({ passwordCredentials: [{ restrictionType: "passwordLifetime", state: "enabled", maxLifetime }] });

describe("policy problems", () => {
    it("fits the schedule into a cap only when it exceeds it, shortening the rotation period the lifetime no longer covers", () => {
        assert.deepEqual(policyProblems(lifetime("P180D"), target), []);
        const [problem] = policyProblems(lifetime("P120D"), target);
        assert.equal(problem.code, "secret-lifetime-over-policy");
        assert.match(problem.fix, /^pulumi config set --stack customer-a nocobase-entra-mail:secretLifetimeCapDays 120 && pulumi config set --stack customer-a nocobase-entra-mail:secretLifetimeDays 120 && pulumi config set --stack customer-a nocobase-entra-mail:secretRotationDays 56, then pulumi up --stack customer-a/);
        const changes: ConfigChange[] = [...problem.fix.matchAll(/nocobase-entra-mail:(\w+) (\d+)/g)].map(([, key, value]) => ({ key, value }));
        const fixed = validateSettings(applyChanges({ stack: "customer-a", nocobaseApiTokenSet: false, nocobaseUrl: "https://crm.example.com" }, changes));
        assert.ok(fixed.ok);
        assert.deepEqual(fixed.settings.rotation, { rotationDays: 56, lifetimeDays: 120, generation: 1 }, "56 = (120 - 7) / 2 rounded down");
    });

    it("says when no schedule fits the cap, and when the cap is in years or months", () => {
        const [tooShort] = policyProblems(lifetime("P8D"), target);
        assert.match(tooShort.fix, /no schedule fits a cap below 9 days: an administrator exempts the application .*application c-1/);
        const [years] = policyProblems(lifetime("P1Y"), target);
        assert.match(years.problem, /caps new client secrets at P1Y.*does not convert to days/);
        assert.match(years.fix, /pulumi config set --stack customer-a nocobase-entra-mail:secretLifetimeCapDays <days>/);
    });

    it("does not compare a lifetime it cannot tell", () => {
        assert.deepEqual(policyProblems(lifetime("P30D"), { ...target, schedule: undefined }), []);
    });

    it("says when callers with a custom security attribute are exempt", () => {
        const verdict = verdictOf({ passwordCredentials: [{ restrictionType: "passwordAddition", state: "enabled", excludeActors: { customSecurityAttributes: [{ id: "Engineering_Exempt" }] } }] });
        const [blocked] = policyProblems(verdict, target);
        assert.equal(blocked.code, "secrets-blocked-by-policy");
        assert.match(blocked.problem, /callers with the custom security attribute the policy names are exempt, which is not checked here/);
    });

    it("offers the organization-only audience when multi-tenant audiences are blocked too", () => {
        const verdict = verdictOf({ audiences: { azureAdMultipleOrgs: { state: "enabled" }, personalMicrosoftAccount: { state: "enabled" } } });
        const [audience] = policyProblems(verdict, target);
        assert.match(audience.fix, /^pulumi config set --stack customer-a nocobase-entra-mail:signInAudience AzureADMyOrg, then pulumi up --stack customer-a \(only this tenant's users can then sign in\)/);
        assert.deepEqual(policyProblems(verdict, { ...target, signInAudience: "AzureADMyOrg" }), []);
    });
});
