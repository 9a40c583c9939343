/**
 * The GitHub Actions example parses and keeps its promises: OIDC only, least job permissions, a durable
 * backend and secrets provider, a scheduled doctor, and no secret stack output reaching the log.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; name?: string }
interface Job { if?: string; environment?: string; permissions?: Record<string, string>; env?: Record<string, string>; steps: Step[] }
interface Workflow { on: { schedule?: Array<{ cron: string }>; push?: unknown }; permissions: Record<string, string>; jobs: Record<string, Job> }

const text = readFileSync(join(__dirname, "..", "..", "examples", "github-actions", "deploy.yml"), "utf8");
const workflow = parse(text) as Workflow;
const runs = (job: Job): string => job.steps.map((s) => s.run ?? "").join("\n");

describe("GitHub Actions example", () => {
    it("grants nothing at workflow level and id-token: write only to the jobs that sign in", () => {
        assert.deepEqual(workflow.permissions, {});
        for (const name of ["deploy", "doctor"]) {
            assert.deepEqual(workflow.jobs[name].permissions, { contents: "read", "id-token": "write" });
        }
    });

    it("deploys per GitHub environment with OIDC for the azuread provider and no Azure secret", () => {
        const deploy = workflow.jobs.deploy;
        assert.match(deploy.environment ?? "", /matrix\.environment/);
        assert.equal(deploy.env?.ARM_USE_OIDC, "true");
        assert.match(deploy.env?.ARM_CLIENT_ID ?? "", /^\$\{\{ vars\.ARM_CLIENT_ID \}\}$/);
        assert.match(deploy.env?.ARM_TENANT_ID ?? "", /^\$\{\{ vars\.ARM_TENANT_ID \}\}$/);
        assert.ok(!/ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|PULUMI_CONFIG_PASSPHRASE/.test(text), "no Azure secret or passphrase");
        assert.match(runs(deploy), /pulumi up --yes/);
    });

    it("uses a durable state backend and a Key Vault secrets provider, not the local defaults", () => {
        const deploy = workflow.jobs.deploy;
        assert.match(deploy.env?.PULUMI_BACKEND_URL ?? "", /vars\.PULUMI_BACKEND_URL/);
        assert.match(runs(deploy), /pulumi login "\$PULUMI_BACKEND_URL"/);
        assert.match(runs(deploy), /--secrets-provider "\$\{\{ vars\.PULUMI_SECRETS_PROVIDER \}\}"/);
        assert.match(text, /azurekeyvault:\/\//);
    });

    it("runs the doctor on a schedule, in each environment", () => {
        assert.ok((workflow.on.schedule ?? []).length > 0, "has a schedule");
        const doctor = workflow.jobs.doctor;
        assert.match(doctor.if ?? "", /schedule/);
        assert.match(doctor.environment ?? "", /matrix\.environment/);
        assert.match(runs(doctor), /npm run --silent doctor -- .*--warn-days 30/);
        assert.match(workflow.jobs.deploy.if ?? "", /!= 'schedule'/);
    });

    it("sends outputs shown with --show-secrets only into the doctor, never to the log, a file or job outputs", () => {
        const commands = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""))
            .map((run) => run.replace(/\\\n\s*/g, " "))
            .flatMap((run) => run.split("\n"))
            .filter((line) => line.includes("--show-secrets"));
        assert.ok(commands.length >= 2);
        for (const line of commands) {
            assert.match(line, /--show-secrets[^|]*\| npm run --silent doctor\b/, line);
            assert.ok(!/\btee\b|>>?|\becho\b|GITHUB_OUTPUT|GITHUB_ENV|::set-output|\bcat\b/.test(line), line);
        }
    });

    it("pins every action to a major version", () => {
        const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.uses)).filter((u): u is string => u !== undefined);
        assert.ok(uses.length > 0);
        for (const action of uses) {
            assert.match(action, /@v\d+$/, action);
        }
    });
});
