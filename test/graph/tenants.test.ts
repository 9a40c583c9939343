/**
 * One stack per customer tenant: the two example stacks (examples/tenants/) pin their tenants, the plan
 * shows each registration in its own tenant, the deployer is bootstrapped per tenant, and one doctor run
 * over both stacks signs in to each of two emulated tenants.
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { EnvironmentReport } from "../../src/operations/doctor/findings";
import { runProgram } from "../../src/operations/plan/program-runner";
import { readStackFile } from "../../src/operations/plan/stack-file";
import { runScript } from "./emulator/child-process";
import type { Directory, SeededStackOutputs } from "./emulator/directory";
import { startEmulator, type Emulator } from "./emulator/emulator";

const EXAMPLES = join(__dirname, "..", "..", "examples", "tenants");
const CUSTOMERS = ["contoso", "fabrikam"] as const;

describe("one stack per customer tenant", () => {
    let emulator: Emulator;
    /** The doctor's identity: a multi-tenant application of the operator's tenant, consented in each customer's. */
    let doctor: { clientId: string; clientSecret: string };
    const tenants = new Map<string, Directory>();
    let dir: string;

    before(async () => {
        emulator = await startEmulator();
        doctor = emulator.directory.seedCaller("operator's doctor");
        const doctorApp = emulator.directory.findApplicationByAppId(doctor.clientId);
        assert.ok(doctorApp !== undefined);
        doctorApp.signInAudience = "AzureADMultipleOrgs";
        for (const customer of CUSTOMERS) {
            const tenant = emulator.addTenant(readStackFile(customer, EXAMPLES).tenantId);
            tenant.newServicePrincipal(doctorApp);
            tenants.set(customer, tenant);
        }
        dir = await mkdtemp(join(tmpdir(), "tenants-test-"));
    });
    after(() => emulator.close());

    it("pins a different tenant in each example stack file", () => {
        const pinned = CUSTOMERS.map((customer) => readStackFile(customer, EXAMPLES).tenantId);
        assert.ok(pinned.every((id) => id !== undefined && /^[0-9a-f-]{36}$/.test(id)), String(pinned));
        assert.notEqual(pinned[0], pinned[1]);
    });

    it("plans each stack's registration in the tenant its stack file pins", async () => {
        for (const customer of CUSTOMERS) {
            const file = readStackFile(customer, EXAMPLES);
            const run = await runProgram({ stack: customer, config: file.config, tenantId: file.tenantId });
            assert.equal(run.outputs.tenantId, file.tenantId, `${customer}: the tenantId output is the pinned tenant`);
            assert.equal(run.outputs.environment, customer);
            const plan = await runScript("plan", ["--stack", customer, "--stacks-dir", EXAMPLES, "--at", "2026-11-23T12:00:00Z"], {});
            assert.equal(plan.code, 0, plan.stderr);
            assert.match(plan.stdout, new RegExp(`^  tenant {14}${file.tenantId} \\(azuread:tenantId in the stack file\\)$`, "m"));
        }
    });

    // The operator's multi-tenant identity stands in for the customer's administrator who runs the bootstrap.
    it("bootstraps the deployer in the tenant given with --tenant, and prints that tenant for the GitHub environment", async () => {
        const fabrikam = tenants.get("fabrikam");
        assert.ok(fabrikam !== undefined);
        const run = await runScript("bootstrap-deployer",
            ["--repository", "acme/nocobase-mail", "--environment", "fabrikam", "--tenant", fabrikam.tenantId], emulator.environmentFor(doctor));
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, new RegExp(`^ARM_TENANT_ID=${fabrikam.tenantId}$`, "m"));
        const made = (directory: Directory) => [...directory.applications.values()].filter((a) => a.uniqueName === "nocobase-entra-mail-deployer-acme-nocobase-mail");
        assert.equal(made(fabrikam).length, 1, "the deployer lives in the customer's tenant");
        assert.equal(made(emulator.directory).length, 0, "and not in the operator's");
        assert.match(run.stdout, new RegExp(`^ARM_CLIENT_ID=${made(fabrikam)[0].appId}$`, "m"));
        assert.ok(!run.stdout.includes(doctor.clientSecret));
    });

    it("checks both stacks in one doctor run, signing in to each stack's tenant", async () => {
        const outputs: SeededStackOutputs[] = [];
        const files: string[] = [];
        for (const customer of CUSTOMERS) {
            const env = tenants.get(customer)?.seedEnvironment({ environment: customer });
            assert.ok(env !== undefined);
            outputs.push(env);
            const file = join(dir, `${customer}.json`);
            await writeFile(file, JSON.stringify(env));
            files.push(file);
        }
        emulator.resetStats();
        const run = await runScript("doctor", ["--json", "--probe-secret", ...files], emulator.environmentFor(doctor));
        assert.equal(run.code, 0, run.stdout + run.stderr);
        const reports = (JSON.parse(run.stdout) as { environments: EnvironmentReport[] }).environments;
        assert.deepEqual(reports.map((r) => [r.environment, r.tenantId, r.outcome]),
            outputs.map((o) => [o.environment, o.tenantId, "healthy"]));
        // The credential library may ask a tenant's token endpoint more than once (its cache is per tenant); what
        // matters is that the doctor's identity signs in to both tenants and to no other.
        const signedInTo = new Set(emulator.log.filter((l) => l.kind === "token" && l.client === doctor.clientId).map((l) => l.path.split("/")[1]));
        assert.deepEqual([...signedInTo].sort(), outputs.map((o) => o.tenantId).sort());
        // Each stack's secret was proven at its own tenant's token endpoint.
        for (const env of outputs) {
            assert.ok(emulator.log.some((l) => l.kind === "token" && l.client === env.clientId && l.path.startsWith(`/${env.tenantId}/`)));
        }
        for (const env of outputs) {
            assert.ok(!run.stdout.includes(env.clientSecret) && !run.stderr.includes(env.clientSecret), "no secret printed");
        }
    });

    it("fails only the tenant where the doctor's identity is not consented, and names that tenant", async () => {
        const outsider = emulator.addTenant();
        const stranded = outsider.seedEnvironment({ environment: "northwind" });
        const contoso = tenants.get("contoso")?.seedEnvironment({ environment: "contoso-2" });
        assert.ok(contoso !== undefined);
        const files = await Promise.all([stranded, contoso].map(async (env) => {
            const file = join(dir, `${env.environment}.json`);
            await writeFile(file, JSON.stringify(env));
            return file;
        }));
        const run = await runScript("doctor", ["--json", ...files], emulator.environmentFor(doctor));
        assert.equal(run.code, 1, run.stderr);
        const [northwind, checked] = (JSON.parse(run.stdout) as { environments: EnvironmentReport[] }).environments;
        assert.equal(checked.outcome, "healthy");
        assert.equal(northwind.outcome, "unchecked");
        assert.match(northwind.error ?? "", new RegExp(`sign in to tenant ${outsider.tenantId} for Microsoft Graph failed \\(HTTP 400, AADSTS700016\\)`));
    });
});
