/**
 * Tenant app-management policies against the emulator: the doctor's findings and fixes for a capped
 * lifetime, blocked secrets and a blocked audience, a policy dated to newer applications, an application
 * exempted by a policy of its own, and a doctor identity that may not read policies; Microsoft's refusals
 * themselves, through the Graph client, with the fix they carry.
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { parseAdoptArguments } from "../../src/operations/adoption/adopt-arguments";
import { runPreflight } from "../../src/operations/adoption/adoption-preflight";
import { applyChanges, validateSettings, type ConfigChange, type RawSettings } from "../../src/configuration/settings";
import { signInTo } from "../../src/microsoft/credentials";
import { MicrosoftServiceError } from "../../src/microsoft/service-error";
import { checkEnvironments, type DoctorServices } from "../../src/operations/doctor/check-environments";
import { exitCodeFor, type EnvironmentReport } from "../../src/operations/doctor/findings";
import { probeSecret } from "../../src/operations/doctor/secret-probe";
import { renderTable } from "../../src/operations/doctor/report-rendering";
import { emulatorCredential, emulatorEndpoints, emulatorGraphClient } from "./emulator/clients";
import type { PolicyRestriction, SeededStackOutputs } from "./emulator/directory";
import { startEmulator, type Emulator } from "./emulator/emulator";

const DEFAULT_SCHEDULE = { rotationDays: 60, lifetimeDays: 180 };

function restriction(fields: Partial<PolicyRestriction>): PolicyRestriction {
    return { state: "enabled", restrictForAppsCreatedAfterDateTime: null, ...fields };
}

/** The changes of a fix's `pulumi config set` commands, each naming the stack. */
function configChanges(fix: string, stack: string): ConfigChange[] {
    return [...fix.matchAll(/pulumi config set --stack (\S+) nocobase-entra-mail:(\w+) (\S+?)(?=,| &&|$)/g)].map(([, named, key, value]) => {
        assert.equal(named, stack, "the fix edits the environment's own stack");
        return { key, value };
    });
}

describe("app-management policies", () => {
    let emulator: Emulator;
    let reader: { clientId: string; clientSecret: string; servicePrincipalId: string };
    let deployer: { clientId: string; clientSecret: string; servicePrincipalId: string };

    before(async () => {
        emulator = await startEmulator();
        reader = emulator.directory.seedCaller("doctor that reads policies");
        emulator.directory.grantGraphAppRole(reader.servicePrincipalId, "Policy.Read.All");
        deployer = emulator.directory.seedCaller("deployer without Policy.Read.All");
    });
    after(() => emulator.close());
    beforeEach(() => {
        const policy = emulator.directory.defaultAppManagementPolicy;
        policy.isEnabled = false;
        policy.applicationRestrictions = { passwordCredentials: [], keyCredentials: [] };
    });

    function services(caller: { clientId: string; clientSecret: string }): DoctorServices {
        return {
            signIn: (tenantId) => signInTo(emulatorCredential(emulator, caller), emulatorEndpoints(emulator), tenantId, 5000),
            graphFor: (tenantId) => emulatorGraphClient(emulator, caller, { tenantId }),
            probe: (expected) => probeSecret(expected, emulatorEndpoints(emulator), 5000),
            now: () => new Date(),
        };
    }

    async function doctor(env: SeededStackOutputs, caller = reader): Promise<EnvironmentReport> {
        const [report] = await checkEnvironments([{ source: `${env.environment}.json`, json: JSON.stringify(env) }],
            { warnDays: 30, probeSecret: false, concurrency: 1 }, services(caller));
        assert.notEqual(report.outcome, "unchecked", report.error);
        return report;
    }

    function seed(name: string, fields: { signInAudience?: string } = {}): SeededStackOutputs {
        return emulator.directory.seedEnvironment({ environment: name, schedule: DEFAULT_SCHEDULE, ...fields });
    }

    function enableTenantPolicy(...passwordCredentials: PolicyRestriction[]): void {
        const policy = emulator.directory.defaultAppManagementPolicy;
        policy.isEnabled = true;
        policy.applicationRestrictions = { passwordCredentials, keyCredentials: [] };
    }

    it("finds a 90-day cap too short for the default schedule, with a fix the configuration rules accept", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordLifetime", maxLifetime: "P90D" }));
        const env = seed("capped");
        const report = await doctor(env);
        assert.deepEqual(report.findings.map((f) => f.code), ["secret-lifetime-over-policy"]);
        const [finding] = report.findings;
        assert.equal(finding.severity, "error");
        assert.match(finding.message, /caps new client secrets at P90D \(90 days\); the stack's secrets live 180 days/);
        assert.match(finding.message, /CredentialInvalidLifetimeAsPerAppPolicy/);
        assert.match(finding.fix, /^Run pulumi config set --stack capped nocobase-entra-mail:secretLifetimeCapDays 90 && pulumi config set --stack capped nocobase-entra-mail:secretLifetimeDays 90 && pulumi config set --stack capped nocobase-entra-mail:secretRotationDays 41, then pulumi up --stack capped/);
        // The stack as its defaults leave it, with the fix applied: accepted, and the next secret fits the cap at Microsoft.
        const raw: RawSettings = { stack: "capped", nocobaseApiTokenSet: false, nocobaseUrl: "https://capped.nocobase.example" };
        const fixed = validateSettings(applyChanges(raw, configChanges(finding.fix, "capped")));
        assert.ok(fixed.ok, fixed.ok ? "" : fixed.problems.map((p) => p.problem).join("; "));
        assert.deepEqual(fixed.settings.rotation, { rotationDays: 41, lifetimeDays: 90, generation: 1 });
        assert.equal(fixed.settings.secretLifetimeCapDays, 90);
        const graph = emulatorGraphClient(emulator, reader);
        const addPassword = (days: number) => graph.post(`/applications/${env.applicationObjectId}/addPassword`,
            { passwordCredential: { displayName: "next", endDateTime: new Date(Date.now() + days * 86400_000).toISOString() } },
            { operation: "add a secret" });
        await assert.rejects(addPassword(180), (err: unknown) => err instanceof MicrosoftServiceError &&
            err.details.code === "CredentialInvalidLifetimeAsPerAppPolicy" && /secretLifetimeCapDays/.test(err.message));
        const accepted = await addPassword(89);
        assert.equal(accepted.status, 200);
    });

    it("finds nothing when the schedule fits the cap", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordLifetime", maxLifetime: "P365D" }));
        assert.deepEqual((await doctor(seed("fits"))).findings, []);
    });

    it("finds blocked secrets, says no configuration avoids them, and Microsoft refuses the next one", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordAddition", maxLifetime: null }));
        const env = seed("no-secrets");
        const report = await doctor(env);
        assert.deepEqual(report.findings.map((f) => f.code), ["secrets-blocked-by-policy"]);
        assert.match(report.findings[0].message, /blocks new client secrets \(passwordAddition\).*CredentialTypeNotAllowedAsPerAppPolicy/);
        assert.match(report.findings[0].fix, new RegExp(`No configuration of the stack avoids it: an administrator exempts the application .*Excluded apps.*${env.clientId}`));
        await assert.rejects(emulatorGraphClient(emulator, reader).post(`/applications/${env.applicationObjectId}/addPassword`,
            { passwordCredential: { displayName: "next" } }, { operation: "add a secret" }),
        (err: unknown) => err instanceof MicrosoftServiceError && err.details.code === "CredentialTypeNotAllowedAsPerAppPolicy" &&
            /Excluded apps/.test(err.message));
    });

    it("finds the personal-account audience blocked, with an audience the policy allows as the fix", async () => {
        const policy = emulator.directory.defaultAppManagementPolicy;
        policy.isEnabled = true;
        policy.applicationRestrictions = { passwordCredentials: [], keyCredentials: [], audiences: { personalMicrosoftAccount: restriction({}) } };
        const env = seed("personal");
        const report = await doctor(env);
        assert.deepEqual(report.findings.map((f) => f.code), ["audience-blocked-by-policy"]);
        assert.match(report.findings[0].message, /blocks the sign-in audience AzureADandPersonalMicrosoftAccount.*SignInAudienceNotAllowedAsPerAppPolicy/);
        const changes = configChanges(report.findings[0].fix, "personal");
        assert.deepEqual(changes, [{ key: "signInAudience", value: "AzureADMultipleOrgs" }]);
        assert.ok(validateSettings(applyChanges({ stack: "personal", nocobaseApiTokenSet: false, nocobaseUrl: "https://personal.nocobase.example" }, changes)).ok);
        const graph = emulatorGraphClient(emulator, reader);
        await assert.rejects(graph.patch(`/applications/${env.applicationObjectId}`, { signInAudience: "AzureADandPersonalMicrosoftAccount" },
            { operation: "update the application" }),
        (err: unknown) => err instanceof MicrosoftServiceError && err.details.code === "SignInAudienceNotAllowedAsPerAppPolicy");
        assert.equal((await graph.patch(`/applications/${env.applicationObjectId}`, { signInAudience: "AzureADMultipleOrgs" },
            { operation: "update the application" })).status, 204);
    });

    it("applies a restriction dated to newer applications only to those created on or after its date", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordAddition", restrictForAppsCreatedAfterDateTime: "2026-06-01T00:00:00Z" }));
        const older = seed("older");
        emulator.directory.application(older.applicationObjectId).createdDateTime = "2026-05-31T23:59:59Z";
        const newer = seed("newer");
        emulator.directory.application(newer.applicationObjectId).createdDateTime = "2026-06-01T00:00:00Z";
        assert.deepEqual((await doctor(older)).findings, []);
        const report = await doctor(newer);
        assert.deepEqual(report.findings.map((f) => f.code), ["secrets-blocked-by-policy"]);
        assert.match(report.findings[0].message, /for applications created on or after 2026-06-01T00:00:00Z/);
    });

    it("lets a policy assigned to the application (its exclusion) replace the tenant default", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordAddition" }), restriction({ restrictionType: "passwordLifetime", maxLifetime: "P30D" }));
        const env = seed("exempted");
        emulator.directory.assignPolicy(emulator.directory.application(env.applicationObjectId), {
            displayName: "NocoBase mail exemption", restrictions: { passwordCredentials: [], keyCredentials: [] },
        });
        assert.deepEqual((await doctor(env)).findings, []);
    });

    /** The adoption preflight of a portal-made registration owned by the caller, for a stack with default settings. */
    async function preflight(caller: { clientId: string; clientSecret: string; servicePrincipalId: string }) {
        const { application } = emulator.directory.seedPortalRegistration(
            { displayName: "Mail (portal)", signInAudience: "AzureADandPersonalMicrosoftAccount", api: { requestedAccessTokenVersion: 2 } },
            { owners: [caller.servicePrincipalId] });
        const dir = await mkdtemp(join(tmpdir(), "policy-adopt-"));
        await writeFile(join(dir, "Pulumi.adopted.yaml"), "config:\n  nocobase-entra-mail:nocobaseUrl: https://crm.contoso.example\n");
        const args = parseAdoptArguments(["--stack", "adopted", "--object-id", application.id, "--stacks-dir", dir, "--json",
            "--deployer", caller.servicePrincipalId]);
        const outcome = await runPreflight(args, { graph: emulatorGraphClient(emulator, caller), signedInIdentity: () => assert.fail("--deployer is given: no sign-in") });
        assert.equal(outcome.error, undefined);
        return { outcome, report: JSON.parse(outcome.output) as { items: Array<{ area: string; effect: string; subject: string; detail?: string; fix?: string }>; notes: string[] } };
    }

    it("fails the adoption preflight on a cap the stack's schedule exceeds, with the fix", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordLifetime", maxLifetime: "P90D" }));
        const { outcome, report } = await preflight(reader);
        assert.equal(outcome.exitCode, 1);
        const policy = report.items.filter((i) => i.area === "app-management policy");
        assert.deepEqual(policy.map((i) => [i.effect, i.subject]), [["fails", "secret-lifetime-over-policy"]]);
        assert.match(policy[0].detail ?? "", /the stack's secrets live 180 days/);
        assert.deepEqual(configChanges(policy[0].fix ?? "", "adopted"), [
            { key: "secretLifetimeCapDays", value: "90" }, { key: "secretLifetimeDays", value: "90" }, { key: "secretRotationDays", value: "41" },
        ]);
        assert.deepEqual(report.notes, []);
    });

    it("notes in the adoption preflight that a deployer without the permission could not read the policies, and goes on", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordAddition" }));
        const owner = emulator.directory.seedCaller("adopting deployer without Policy.Read.All");
        const { outcome, report } = await preflight(owner);
        assert.equal(outcome.exitCode, 0, "nothing lost, nothing known to fail");
        assert.equal(report.items.filter((i) => i.area === "app-management policy").length, 0);
        assert.match(report.notes[0], /could not be read .*HTTP 403; the identity lacks Policy\.Read\.All/);
    });

    it("reports, without failing the check, that a deployer without the policy permission could not read the policies", async () => {
        enableTenantPolicy(restriction({ restrictionType: "passwordLifetime", maxLifetime: "P90D" }));
        const env = seed("unreadable");
        emulator.resetStats();
        const report = await doctor(env, deployer);
        assert.equal(report.outcome, "healthy");
        assert.equal(exitCodeFor([report]), 0);
        assert.equal(report.notes?.length, 1);
        assert.match(report.notes?.[0] ?? "", /could not be read \(GET \/policies\/defaultAppManagementPolicy: HTTP 403; the identity lacks Policy\.Read\.All\)/);
        assert.match(report.notes?.[0] ?? "", /CredentialInvalidLifetimeAsPerAppPolicy, CredentialTypeNotAllowedAsPerAppPolicy or SignInAudienceNotAllowedAsPerAppPolicy/);
        assert.match(report.notes?.[0] ?? "", /--read-policies/);
        assert.ok(emulator.log.some((l) => l.path === "/v1.0/policies/defaultAppManagementPolicy" && l.status === 403), "the read was tried");
        assert.match(renderTable([report]), /note {4}App-management policies: the app-management policies could not be read/);
    });
});
