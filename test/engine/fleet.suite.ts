/**
 * `npm run fleet` on the real Pulumi CLI: 20 stacks of one project, each run in its own process through
 * the Automation API, handing their secrets over to the real NocoBase. One stack is broken (a NocoBase
 * API key NocoBase refuses): its own error is in the summary and the other 19 deploy; a second `up`
 * changes nothing; after the fix `--only-failed` runs that stack alone. Then the doctor reads outputs
 * through the Automation API with no outputs file anywhere on disk, and the matrix generator's output
 * feeds the example workflow. Logs and printed text never hold a planted secret.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { keyIdRecordName } from "../../src/nocobase/handover";
import type { FleetReport } from "../../src/operations/fleet/fleet-report";
import type { StackOutputs } from "../../src/operations/stack-outputs";
import { runningNocobase } from "../nocobase-server/harness";
import { assertNoCredentials, runningEmulator, storedVariable } from "../nocobase/support";
import type { StackConfig } from "./engine-stack";
import { fleetStack, newFleetProject, type FleetProject } from "./fleet-support";
import { engineToolchain } from "./toolchain";

const STACKS = Array.from({ length: 20 }, (_, i) => `fleet-${String(i + 1).padStart(2, "0")}`);
const BROKEN = "fleet-07";
/** Two cores: more workers only queue on the CPU (see npm run bench:fleet). */
const CONCURRENCY = "3";
/**
 * The first up hands 19 secrets over to one NocoBase, and each hand-over restarts it: with more at once, a
 * stack can meet restarts past the NocoBase client's retries (503 APP_COMMANDING) on a loaded machine.
 */
const HANDOVER_CONCURRENCY = "2";

function reportOf(run: { stdout: string }): FleetReport {
    return JSON.parse(run.stdout) as FleetReport;
}

function statuses(report: FleetReport): Record<string, string> {
    return Object.fromEntries(report.stacks.map((s) => [s.stack, s.status]));
}

describe("fleet on the real engine", () => {
    let project: FleetProject;
    const outputs = new Map<string, StackOutputs>();
    const configs: Record<string, StackConfig> = {};
    const planted: string[] = [];
    /** Everything the fleet printed, searched for the planted secrets at the end. */
    let printed = "";
    const wrongApiKey = `wrong-${"k".repeat(8)}-${Date.now().toString(36)}Zq9`;

    before(async () => {
        project = newFleetProject(await engineToolchain());
        for (const stack of STACKS) {
            const made = fleetStack(stack, stack === BROKEN ? wrongApiKey : undefined);
            outputs.set(stack, made.outputs);
            configs[stack] = made.config;
            planted.push(made.outputs.clientSecret);
        }
        planted.push(runningNocobase().rootApiKey, wrongApiKey, project.passphrase);
        await project.configure(configs);
    }, { timeout: 600_000 });
    after(() => project?.remove());

    it("brings 20 stacks up in one fleet up; the broken stack fails with its own error and the other 19 deploy", async () => {
        const run = await project.fleet(["up", "--concurrency", HANDOVER_CONCURRENCY, "--json"]);
        printed += run.stdout + run.stderr;
        assert.equal(run.code, 1, "a failed stack fails the fleet");
        const report = reportOf(run);
        assert.equal(report.stacks.length, 20);
        const expected = Object.fromEntries(STACKS.map((s) => [s, s === BROKEN ? "failed" : "changed"]));
        assert.deepEqual(statuses(report), expected);
        const broken = report.stacks.find((s) => s.stack === BROKEN);
        assert.match(broken?.reason ?? "", /NocoBase/, "the broken stack's own error");
        assert.match(broken?.reason ?? "", /API key/);
        assert.doesNotMatch(broken?.reason ?? "", /\n/, "one line");
        for (const result of report.stacks.filter((s) => s.stack !== BROKEN)) {
            assert.deepEqual(result.changes, { create: 2 }, `${result.stack}: the stack and its NocoBase variables`);
            assert.equal(result.reason, undefined);
        }
        // The 19 hand-overs reached NocoBase; the broken stack wrote nothing.
        for (const stack of STACKS) {
            const record = await storedVariable(keyIdRecordName(outputs.get(stack)?.nocobaseClientSecretVariable ?? ""));
            assert.equal(record?.value ?? undefined, stack === BROKEN ? undefined : outputs.get(stack)?.clientSecretKeyId, stack);
        }
        // The table form of the same run: one row per stack and the totals.
        assert.match(run.stderr, /fleet up: \[20\/20\]/, "a progress line per stack");
    });

    it("a second fleet up changes nothing on the 19 and fails the broken stack again; the table says so", async () => {
        const run = await project.fleet(["up", "--concurrency", CONCURRENCY]);
        printed += run.stdout + run.stderr;
        assert.equal(run.code, 1);
        assert.match(run.stdout, /fleet up: 20 stacks, 19 unchanged, 1 failed/);
        assert.match(run.stdout, new RegExp(`^${BROKEN}\\s+failed\\s+[\\d.]+ s\\s+.*NocoBase`, "m"));
        for (const stack of STACKS.filter((s) => s !== BROKEN)) {
            assert.match(run.stdout, new RegExp(`^${stack}\\s+unchanged\\s`, "m"));
        }
    });

    it("--only-failed after the fix runs the broken stack alone and records the fleet as healthy", async () => {
        await project.configure({ [BROKEN]: { "nocobase-entra-mail:nocobaseApiToken": { value: runningNocobase().rootApiKey, secret: true } } });
        const run = await project.fleet(["up", "--only-failed", "--json"]);
        printed += run.stdout + run.stderr;
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.deepEqual(statuses(reportOf(run)), { [BROKEN]: "changed" });
        const record = await storedVariable(keyIdRecordName(outputs.get(BROKEN)?.nocobaseClientSecretVariable ?? ""));
        assert.equal(record?.value, outputs.get(BROKEN)?.clientSecretKeyId);
        const again = await project.fleet(["up", "--only-failed"]);
        assert.equal(again.code, 0);
        assert.match(again.stderr, /no stack failed in the last run/);
    });

    it("doctor --stack reads the outputs in memory, proves the secret, and no file on disk holds it", async () => {
        const emulator = runningEmulator();
        const caller = emulator.environmentFor(emulator.directory.seedCaller("fleet-doctor"));
        planted.push(caller.AZURE_CLIENT_SECRET);
        const run = await project.tool("doctor", ["--json", "--probe-secret", "--project", project.dir, "--stack", "fleet-01"], caller);
        printed += run.stdout + run.stderr;
        assert.equal(run.code, 0, run.stdout + run.stderr);
        const report = JSON.parse(run.stdout) as { environments: Array<{ environment: string; source: string; outcome: string }> };
        assert.deepEqual(report.environments.map((e) => [e.environment, e.source, e.outcome]), [["fleet-01", "stack fleet-01", "healthy"]]);

        // The whole fleet through the doctor, one process per stack.
        const fleet = await project.fleet(["doctor", "--probe-secret", "--concurrency", CONCURRENCY, "--json"], caller);
        printed += fleet.stdout + fleet.stderr;
        assert.equal(fleet.code, 0, fleet.stdout);
        assert.deepEqual(new Set(Object.values(statuses(reportOf(fleet)))), new Set(["healthy"]));
        assert.equal(reportOf(fleet).stacks.length, 20);

        const unknown = await project.tool("doctor", ["--project", project.dir, "--stack", "fleet-99"], caller);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /no stack "fleet-99" in the backend of .*Fix: pulumi stack ls/);

        // push-to-nocobase --stack: the same outputs in memory; NocoBase already holds the secret.
        const push = await project.tool("push-to-nocobase", ["--project", project.dir, "--stack", "fleet-02"],
            { NOCOBASE_API_TOKEN: runningNocobase().rootApiKey });
        printed += push.stdout + push.stderr;
        assert.equal(push.code, 0, push.stderr);
        assert.match(push.stdout, /NocoBase at .* \(environment fleet-02\):\n {2}\S+: unchanged \(secret, key ID /);
        // adopt --project: the stack manages an application, so adopting another is refused before Graph is asked.
        const managed = outputs.get("fleet-03")?.applicationObjectId ?? "";
        const other = "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd";
        const adopt = await project.tool("adopt", ["--project", project.dir, "--stack", "fleet-03", "--object-id", other], caller);
        assert.equal(adopt.code, 1, adopt.stderr);
        assert.ok(adopt.stdout.includes(`but this stack already manages application ${managed} (its last applicationObjectId output)`), adopt.stdout);

        const files = project.files();
        assert.ok(files.some((f) => f.includes(`${path.sep}logs${path.sep}`)), "the logs are among the files searched");
        assert.ok(files.some((f) => f.endsWith(".json") && f.includes(`${path.sep}state${path.sep}`)), "the state is among the files searched");
        for (const file of files) {
            const content = fs.readFileSync(file, "utf8");
            for (const secret of planted) {
                assert.ok(!content.includes(secret), `${file} holds a planted secret (${secret.length} characters long)`);
            }
        }
    });

    it("fleet matrix gives the example workflow one job per stack, and shards beyond the job limit", async () => {
        const workflow = parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "github-actions", "fleet.yml"), "utf8")) as {
            jobs: Record<string, { outputs?: Record<string, string>; steps: Array<{ run?: string }>; strategy?: { matrix?: unknown } }>;
        };
        const planStep = workflow.jobs.stacks.steps.map((s) => s.run ?? "").find((r) => /fleet -- matrix/.test(r)) ?? "";
        assert.match(planStep, /matrix=\$\(npm run --silent fleet -- matrix\)/);
        assert.equal(workflow.jobs.up.strategy?.matrix, "${{ fromJSON(needs.stacks.outputs.matrix) }}");
        const upRun = workflow.jobs.up.steps.map((s) => s.run ?? "").join("\n");
        assert.match(upRun, /npm run fleet -- up .*\$\{\{ matrix\.stacks \}\}/);

        const run = await project.fleet(["matrix"]);
        assert.equal(run.code, 0, run.stderr);
        const matrix = JSON.parse(run.stdout) as { include: Array<{ name: string; stacks: string }> };
        assert.deepEqual(matrix.include.map((j) => j.stacks), STACKS, "one job per stack");
        // What each job then runs: the fleet over its matrix entry's stacks, here on the real engine.
        const job = matrix.include[2];
        const jobRun = await project.fleet(["preview", ...job.stacks.split(" ")]);
        printed += jobRun.stdout + jobRun.stderr;
        assert.equal(jobRun.code, 0, jobRun.stdout);
        assert.match(jobRun.stdout, /fleet preview: 1 stack, 1 unchanged/);

        // refresh runs the saved provider code against NocoBase: NocoBase still holds what the stack wrote.
        const refresh = await project.fleet(["refresh", "fleet-01", "--json"]);
        printed += refresh.stdout + refresh.stderr;
        assert.equal(refresh.code, 0, refresh.stdout);
        assert.deepEqual(statuses(reportOf(refresh)), { "fleet-01": "unchanged" });
        assert.match(fs.readFileSync(reportOf(refresh).stacks[0].logFile, "utf8"), /^Refreshing \(fleet-01\):/);

        const sharded = JSON.parse((await project.fleet(["matrix", "--max-jobs", "6"])).stdout) as typeof matrix;
        assert.equal(sharded.include.length, 6);
        assert.deepEqual(sharded.include.flatMap((j) => j.stacks.split(" ")), STACKS, "every stack once, in order");
        assertNoCredentials(printed, planted);
    });
});
