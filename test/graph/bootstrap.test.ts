/**
 * The deployer bootstrap against the emulator: the first run creates everything, a second run writes
 * nothing, a half-finished earlier run is completed, and replication delay does not create duplicates.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bootstrapDeployer } from "../../src/operations/bootstrap/bootstrap-deployer";
import { deployerUniqueName, parseBootstrapArguments } from "../../src/operations/bootstrap/deployer-permissions";
import {
    APPLICATION_READWRITE_OWNEDBY, DELEGATED_PERMISSION_GRANT_READWRITE_ALL, POLICY_READ_ALL,
} from "../../src/microsoft/permission-names";
import { readAppManagementPolicies } from "../../src/microsoft/app-management-policy";
import { runScript } from "./emulator/child-process";
import { emulatorGraphClient } from "./emulator/clients";
import { startEmulator, type Emulator } from "./emulator/emulator";

describe("deployer bootstrap", () => {
    let emulator: Emulator;
    let admin: { clientId: string; clientSecret: string };

    before(async () => {
        emulator = await startEmulator();
        admin = emulator.directory.seedCaller("tenant administrator");
    });
    after(() => emulator.close());

    const argsFor = (repository: string, extra: string[] = []) =>
        parseBootstrapArguments(["--repository", repository, "--environment", "production", ...extra], { AZURE_TENANT_ID: emulator.tenantId });
    // The policy's real waits (0.5 s, 1 s, 2 s, ...) at a tenth, so replication delay of 300 ms is waited out quickly.
    const graph = () => emulatorGraphClient(emulator, admin, { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 10)) });
    const deployerApps = (repository: string) => {
        const [owner, repo] = repository.split("/");
        return [...emulator.directory.applications.values()].filter((a) => a.uniqueName === deployerUniqueName(owner, repo));
    };
    const rolesOf = (spId: string) => emulator.directory.appRoleAssignments.filter((a) => a.principalId === spId).map((a) => a.appRoleId).sort();

    it("creates application, service principal, federated credential and least permissions on the first run, and no secret", async () => {
        emulator.resetStats();
        const result = await bootstrapDeployer(graph(), argsFor("acme/site"));
        assert.deepEqual(result.steps.map((s) => s.action), ["created", "created", "created", "granted"]);
        const [app] = deployerApps("acme/site");
        assert.equal(app.appId, result.clientId);
        assert.equal(app.signInAudience, "AzureADMyOrg");
        assert.deepEqual(app.passwordCredentials, []);
        assert.deepEqual(app.federatedIdentityCredentials.map((f) => [f.issuer, f.subject, f.audiences]),
            [["https://token.actions.githubusercontent.com", "repo:acme/site:environment:production", ["api://AzureADTokenExchange"]]]);
        assert.equal(emulator.directory.findServicePrincipalByAppId(app.appId)?.id, result.servicePrincipalObjectId);
        assert.deepEqual(rolesOf(result.servicePrincipalObjectId), [APPLICATION_READWRITE_OWNEDBY.id]);
        assert.equal(emulator.graphWrites().length, 4);
        assert.ok(!emulator.log.some((l) => l.path.endsWith("/addPassword")), "no secret was requested");
    });

    it("changes nothing on a second run", async () => {
        emulator.resetStats();
        const result = await bootstrapDeployer(graph(), argsFor("acme/site"));
        assert.deepEqual(result.steps.map((s) => s.action), ["unchanged", "unchanged", "unchanged", "unchanged"]);
        assert.deepEqual(emulator.graphWrites(), []);
        assert.equal(deployerApps("acme/site").length, 1);
    });

    it("adds only what a new environment and --admin-consent need", async () => {
        emulator.resetStats();
        const args = parseBootstrapArguments(["--repository", "acme/site", "--environment", "production", "--environment", "staging",
            "--admin-consent"], { AZURE_TENANT_ID: emulator.tenantId });
        const result = await bootstrapDeployer(graph(), args);
        assert.deepEqual(result.steps.map((s) => `${s.action} ${s.subject}`), [
            "updated application nocobase-entra-mail-deployer-acme-site",
            "unchanged service principal",
            "unchanged federated credential repo:acme/site:environment:production",
            "created federated credential repo:acme/site:environment:staging",
            `unchanged Graph permission ${APPLICATION_READWRITE_OWNEDBY.value}`,
            `granted Graph permission ${DELEGATED_PERMISSION_GRANT_READWRITE_ALL.value}`,
        ]);
        assert.deepEqual(rolesOf(result.servicePrincipalObjectId), [APPLICATION_READWRITE_OWNEDBY.id, DELEGATED_PERMISSION_GRANT_READWRITE_ALL.id].sort());
        assert.equal(emulator.graphWrites().length, 3);
    });

    it("explains the optional policy-read permission, and grants it with --read-policies so the deployer can read the policies", async () => {
        const without = await bootstrapDeployer(graph(), argsFor("acme/policies"));
        assert.match(without.notes.join(" "), /may not read the tenant's app-management policies \(Policy\.Read\.All, optional\).*--read-policies/);
        assert.deepEqual(rolesOf(without.servicePrincipalObjectId), [APPLICATION_READWRITE_OWNEDBY.id]);
        const deployerApp = emulator.directory.findApplicationByAppId(without.clientId);
        assert.ok(deployerApp !== undefined);
        const { secretText } = emulator.directory.addPassword(deployerApp, "test only", new Date(Date.now() + 86400_000), Date.now() - 3600_000);
        const asDeployer = emulatorGraphClient(emulator, { clientId: without.clientId, clientSecret: secretText });
        assert.equal((await readAppManagementPolicies(asDeployer, emulator.tenantId, undefined)).readable, false);
        const withPolicies = await bootstrapDeployer(graph(), argsFor("acme/policies", ["--read-policies"]));
        assert.deepEqual(withPolicies.steps.filter((s) => s.action === "granted").map((s) => s.subject), [`Graph permission ${POLICY_READ_ALL.value}`]);
        assert.ok(!withPolicies.notes.some((n) => /Policy\.Read\.All/.test(n)));
        assert.equal((await readAppManagementPolicies(asDeployer, emulator.tenantId, undefined)).readable, true);
        const later = await bootstrapDeployer(graph(), argsFor("acme/policies"));
        assert.match(later.notes.join(" "), /still holds Policy\.Read\.All/);
    });

    it("notes, without removing, a consent permission no longer asked for", async () => {
        const result = await bootstrapDeployer(graph(), argsFor("acme/site"));
        assert.match(result.notes.join(" "), /still holds DelegatedPermissionGrant\.ReadWrite\.All/);
        assert.equal(rolesOf(result.servicePrincipalObjectId).length, 2);
    });

    it("completes a run that stopped after creating the application, through replication delay", async () => {
        const uniqueName = deployerUniqueName("acme", "half");
        const earlier = emulator.directory.newApplication({ displayName: "nocobase-entra-mail deployer (acme/half)", uniqueName });
        emulator.graph.replicationDelayMs = 300;
        emulator.directory.createdAt.set(earlier.id, Date.now());
        emulator.resetStats();
        try {
            const result = await bootstrapDeployer(graph(), argsFor("acme/half"));
            assert.deepEqual(result.steps.map((s) => s.action), ["updated", "created", "created", "granted"]);
            assert.equal(deployerApps("acme/half").length, 1, "no duplicate application");
            assert.equal(result.applicationObjectId, earlier.id);
            assert.ok(emulator.log.some((l) => l.status === 404 || l.status === 400), "replication delay was met and waited out");
        } finally {
            emulator.graph.replicationDelayMs = 0;
        }
    });

    it("creates through replication delay without duplicates when nothing existed", async () => {
        emulator.graph.replicationDelayMs = 300;
        try {
            const result = await bootstrapDeployer(graph(), argsFor("acme/fresh"));
            assert.deepEqual(result.steps.map((s) => s.action), ["created", "created", "created", "granted"]);
            assert.equal(deployerApps("acme/fresh").length, 1);
        } finally {
            emulator.graph.replicationDelayMs = 0;
        }
    });

    it("refuses bad arguments with the fix", () => {
        assert.throws(() => parseBootstrapArguments(["--repository", "acme", "--environment", "p"], { AZURE_TENANT_ID: emulator.tenantId }), /--repository needs <owner>\/<repo>/);
        assert.throws(() => parseBootstrapArguments(["--repository", "acme/site"], { AZURE_TENANT_ID: emulator.tenantId }), /At least one --environment/);
        assert.throws(() => parseBootstrapArguments(["--repository", "acme/site", "--environment", "p"], {}), /--tenant <id> or set AZURE_TENANT_ID/);
    });

    it("prints what CI needs from the command line and no secret", async () => {
        const run = await runScript("bootstrap-deployer", ["--repository", "acme/cli", "--environment", "production"], emulator.environmentFor(admin));
        assert.equal(run.code, 0, run.stderr);
        const [app] = deployerApps("acme/cli");
        assert.match(run.stdout, new RegExp(`^ARM_CLIENT_ID=${app.appId}$`, "m"));
        assert.match(run.stdout, new RegExp(`^ARM_TENANT_ID=${emulator.tenantId}$`, "m"));
        assert.match(run.stdout, /^ARM_USE_OIDC=true$/m);
        assert.ok(!run.stdout.includes(admin.clientSecret) && !run.stderr.includes(admin.clientSecret));
        const sp = emulator.directory.findServicePrincipalByAppId(app.appId);
        assert.ok(sp !== undefined);
        // No stack "production" in this checkout: the index is left for the user to fill in.
        assert.match(run.stdout, new RegExp(`^pulumi config set --stack production --path 'nocobase-entra-mail:owners\\[<number of owners already listed>\\]' ${sp.id}$`, "m"));
        const usage = await runScript("bootstrap-deployer", ["--environment", "production"], emulator.environmentFor(admin));
        assert.equal(usage.code, 2);
        assert.match(usage.stderr, /--repository needs <owner>\/<repo>/);
        const help = await runScript("bootstrap-deployer", ["--help"], emulator.environmentFor(admin));
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /config nocobase-entra-mail:grantAdminConsent true/);
    });

    it("prints a refused sign-in whole, its fix included, and asks for the run again only after that fix (exit 1)", async () => {
        const wrong = { ...admin, clientSecret: `${admin.clientSecret.slice(0, -4)}XXXX` };
        const run = await runScript("bootstrap-deployer", ["--repository", "acme/signin", "--environment", "production"], emulator.environmentFor(wrong));
        assert.equal(run.code, 1, run.stderr);
        const [message] = run.stderr.split("\n");
        assert.ok(message.length > 200, `the whole message, not a 200-character quotation: ${message}`);
        assert.match(message, /^bootstrap-deployer: Microsoft identity platform: .*Fix: /);
        assert.ok(!message.endsWith("…"), message);
        assert.match(run.stderr, /\nNothing is lost: after that fix, run the same command again/);
        assert.ok(!run.stderr.includes(wrong.clientSecret) && !run.stderr.includes(admin.clientSecret));
        assert.deepEqual(deployerApps("acme/signin"), []);
    });
});
