/**
 * The GitHub Actions example parses and keeps its promises: OIDC only, least job permissions, a durable
 * backend and secrets provider, `pulumi up` for every stack on a daily schedule (rotation happens only
 * inside it) with one run per stack at a time, the doctor after it, and no secret stack output reaching the log.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; name?: string; if?: string; "continue-on-error"?: unknown }
interface Job {
    if?: string;
    environment?: string;
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    strategy?: { "fail-fast"?: unknown; "max-parallel"?: number; matrix?: Record<string, unknown> };
    concurrency?: { group?: string; "cancel-in-progress"?: unknown };
    "continue-on-error"?: unknown;
    steps: Step[];
}
interface Workflow {
    on: { schedule?: Array<{ cron: string }>; push?: unknown; workflow_dispatch?: unknown };
    permissions: Record<string, string>;
    defaults?: { run?: { shell?: string } };
    concurrency?: unknown;
    jobs: Record<string, Job>;
}

const text = readFileSync(join(__dirname, "..", "..", "examples", "github-actions", "deploy.yml"), "utf8");
const workflow = parse(text) as Workflow;
const deploy = workflow.jobs.deploy;
const runs = (job: Job): string => job.steps.map((s) => s.run ?? "").join("\n");
/** Index of the first step whose command matches. */
const stepIndex = (job: Job, pattern: RegExp): number => job.steps.findIndex((s) => pattern.test(s.run ?? ""));

describe("GitHub Actions example", () => {
    it("grants nothing at workflow level and id-token: write only to the job that signs in", () => {
        assert.deepEqual(workflow.permissions, {});
        assert.deepEqual(Object.keys(workflow.jobs), ["deploy"]);
        assert.deepEqual(deploy.permissions, { contents: "read", "id-token": "write" });
    });

    it("deploys per GitHub environment with OIDC for the azuread provider and no Azure secret", () => {
        assert.match(deploy.environment ?? "", /matrix\.environment/);
        assert.equal(deploy.env?.ARM_USE_OIDC, "true");
        assert.match(deploy.env?.ARM_CLIENT_ID ?? "", /^\$\{\{ vars\.ARM_CLIENT_ID \}\}$/);
        assert.match(deploy.env?.ARM_TENANT_ID ?? "", /^\$\{\{ vars\.ARM_TENANT_ID \}\}$/);
        assert.ok(!/ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|PULUMI_CONFIG_PASSPHRASE/.test(text), "no Azure secret or passphrase");
    });

    it("uses a durable state backend and a Key Vault secrets provider, not the local defaults", () => {
        assert.match(deploy.env?.PULUMI_BACKEND_URL ?? "", /vars\.PULUMI_BACKEND_URL/);
        assert.match(runs(deploy), /pulumi login "\$PULUMI_BACKEND_URL"/);
        assert.match(runs(deploy), /--secrets-provider "\$\{\{ vars\.PULUMI_SECRETS_PROVIDER \}\}"/);
        assert.match(text, /azurekeyvault:\/\//);
    });

    it("runs pulumi up on a daily schedule as well as on push, for every stack of the matrix", () => {
        const crons = (workflow.on.schedule ?? []).map((s) => s.cron);
        assert.equal(crons.length, 1);
        // minute hour * * *: once a day, every day.
        assert.match(crons[0], /^\d{1,2} \d{1,2} \* \* \*$/);
        assert.ok("push" in workflow.on && "workflow_dispatch" in workflow.on);
        assert.equal(deploy.if, undefined, "the job runs for every trigger, the schedule included");
        const environments = deploy.strategy?.matrix?.environment;
        assert.ok(Array.isArray(environments) && environments.length >= 2, "a matrix of stacks");
        assert.match(runs(deploy), /pulumi stack select --create "\$\{\{ matrix\.environment \}\}"/);
        assert.match(runs(deploy), /^pulumi up --yes --skip-preview --stack "\$\{\{ matrix\.environment \}\}"$/m);
    });

    it("lets one stack's failure stop the others only on push, never on the schedule", () => {
        assert.equal(deploy.strategy?.["fail-fast"], "${{ github.event_name == 'push' }}");
        assert.equal(deploy.strategy?.["max-parallel"], 1);
    });

    it("runs at most one job per stack at a time, queueing the later one instead of cancelling a pulumi up", () => {
        assert.equal(workflow.concurrency, undefined, "no workflow-wide group that would serialise every stack");
        assert.equal(deploy.concurrency?.group, "nocobase-entra-mail-${{ matrix.environment }}");
        assert.equal(deploy.concurrency?.["cancel-in-progress"], false);
    });

    it("checks each stack with the doctor after its pulumi up, in the same job, and fails the job on a finding", () => {
        const up = stepIndex(deploy, /^pulumi up /m);
        const doctor = stepIndex(deploy, /npm run --silent doctor -- .*--warn-days 30 --probe-secret/);
        assert.ok(up >= 0 && doctor > up, "the doctor runs after pulumi up");
        assert.match(deploy.steps[doctor].run ?? "", /--stack "\$\{\{ matrix\.environment \}\}"/);
        assert.equal(deploy.steps[doctor].if, "${{ !cancelled() }}", "the doctor reports even after a failed pulumi up");
        assert.equal(workflow.defaults?.run?.shell, "bash", "bash runs with -o pipefail");
        assert.equal(deploy["continue-on-error"], undefined);
        assert.ok(deploy.steps.every((s) => s["continue-on-error"] === undefined), "no step's failure is ignored");
    });

    it("sends outputs shown with --show-secrets only into the doctor, never to the log, a file or job outputs", () => {
        const commands = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""))
            .map((run) => run.replace(/\\\n\s*/g, " "))
            .flatMap((run) => run.split("\n"))
            .filter((line) => line.includes("--show-secrets"));
        assert.ok(commands.length >= 1);
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
