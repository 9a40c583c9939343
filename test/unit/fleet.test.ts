/**
 * The fleet's pure parts: its command line, the stack selection (names, globs, list files), the GitHub
 * Actions matrix and its shards, the summary and the `--only-failed` read-back.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { UsageError } from "../../src/operations/command-line";
import { parseFleetArguments } from "../../src/operations/fleet/fleet-arguments";
import { buildMatrix } from "../../src/operations/fleet/fleet-matrix";
import { readFleetProject } from "../../src/operations/fleet/fleet-project";
import { buildReport, failedStacksOf, renderSummary, type StackResult } from "../../src/operations/fleet/fleet-report";
import { globPattern, readStackList, selectStacks } from "../../src/operations/fleet/stack-selection";

const STACKS = ["acme-prod", "acme-staging", "contoso-prod", "dev", "prod"];

function tempFile(name: string, content: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-unit-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
}

describe("fleet command line", () => {
    it("takes the operation, the selection and the options", () => {
        const args = parseFleetArguments(["up", "acme-*", "dev", "--concurrency", "3", "--json", "--project", "p"], "/work");
        assert.equal(args.command, "up");
        assert.deepEqual(args.patterns, ["acme-*", "dev"]);
        assert.equal(args.concurrency, 3);
        assert.equal(args.json, true);
        assert.equal(args.projectDir, "/work/p");
        assert.equal(args.logDir, "/work/p/.fleet");
        assert.deepEqual(parseFleetArguments(["doctor", "--probe-secret", "--warn-days", "14"]).doctorOptions, ["--probe-secret", "--warn-days", "14"]);
        assert.equal(parseFleetArguments(["matrix"]).maxJobs, 256);
        assert.equal(args.stackTimeoutMinutes, 60);
        assert.equal(parseFleetArguments(["up", "--stack-timeout-minutes", "15"]).stackTimeoutMinutes, 15);
    });

    it("refuses a missing or unknown operation, two selections, and options of another operation", () => {
        const cases: Array<[string[], RegExp]> = [
            [[], /name an operation: preview, up, refresh, doctor, matrix/],
            [["deploy"], /unknown operation "deploy"/],
            [["up", "dev", "--only-failed"], /choose the stacks one way/],
            [["up", "--list", "f", "--only-failed"], /choose the stacks one way/],
            [["up", "--probe-secret"], /--probe-secret applies only to fleet doctor/],
            [["up", "--max-jobs", "3"], /--max-jobs applies only to fleet matrix/],
            [["matrix", "--max-jobs", "257"], /--max-jobs needs a whole number from 1 to 256/],
            [["up", "--concurrency", "0"], /--concurrency needs a whole number from 1 to 32/],
            [["up", "--stack-timeout-minutes", "0"], /--stack-timeout-minutes needs a whole number from 1 to 1440/],
        ];
        for (const [argv, message] of cases) {
            assert.throws(() => parseFleetArguments(argv), (err: unknown) => err instanceof UsageError && message.test(err.message), argv.join(" "));
        }
    });
});

describe("stack selection", () => {
    it("matches globs on whole names, keeps the project's order and drops duplicates", () => {
        assert.deepEqual(selectStacks(STACKS, []), STACKS);
        assert.deepEqual(selectStacks(STACKS, ["*-prod", "acme-*"]), ["acme-prod", "acme-staging", "contoso-prod"]);
        assert.deepEqual(selectStacks(STACKS, ["prod"]), ["prod"]);
        assert.deepEqual(selectStacks(STACKS, ["[ad]*"]), ["acme-prod", "acme-staging", "dev"]);
        assert.deepEqual(selectStacks(STACKS, ["[!ad]*"]), ["contoso-prod", "prod"]);
        assert.deepEqual(selectStacks(STACKS, ["de?"]), ["dev"]);
        assert.equal(globPattern("a.b").test("axb"), false, "a dot is a dot");
    });

    it("refuses a name that matches nothing, naming the stacks there are, and a project without stacks", () => {
        assert.throws(() => selectStacks(STACKS, ["acme-*", "prdo"]), /no stack matches "prdo"; the project's stacks: acme-prod, acme-staging, contoso-prod, dev, prod/);
        assert.throws(() => selectStacks([], []), /the project has no stack files/);
        assert.throws(() => globPattern("cust-[ab"), /"\[" without "\]"/);
    });

    it("reads a list file: one name per line, comments and blank lines skipped", () => {
        const file = tempFile("stacks.txt", "# customers\nacme-prod\n\n  dev  # the team's\n");
        assert.deepEqual(readStackList(file), ["acme-prod", "dev"]);
        assert.throws(() => readStackList(path.join(path.dirname(file), "missing.txt")), /--list .*missing\.txt.*ENOENT/);
    });

    it("reads the project: name, program and stack folder from Pulumi.yaml", () => {
        const project = readFleetProject(path.resolve(__dirname, "..", ".."));
        assert.equal(project.name, "nocobase-entra-mail");
        assert.equal(project.main, path.resolve(__dirname, "..", "..", "index.ts"));
        assert.equal(project.stacksDir, path.resolve(__dirname, "..", "..", "stacks"));
        assert.throws(() => readFleetProject(os.tmpdir()), /no Pulumi\.yaml there/);
    });
});

describe("GitHub Actions matrix", () => {
    it("gives one job per stack up to the limit", () => {
        assert.deepEqual(buildMatrix(["a", "b"], 256), { include: [{ name: "a", stacks: "a" }, { name: "b", stacks: "b" }] });
        const exactly = Array.from({ length: 256 }, (_, i) => `s${i}`);
        assert.equal(buildMatrix(exactly, 256).include.length, 256);
    });

    it("shares 600 stacks out over 256 jobs, each stack once, in order, shard sizes differing by at most one", () => {
        const stacks = Array.from({ length: 600 }, (_, i) => `cust-${i}`);
        const { include } = buildMatrix(stacks, 256);
        assert.equal(include.length, 256);
        assert.deepEqual(include.flatMap((job) => job.stacks.split(" ")), stacks);
        const sizes = new Set(include.map((job) => job.stacks.split(" ").length));
        assert.deepEqual([...sizes].sort(), [2, 3]);
        assert.equal(include[0].name, "shard-1-of-256");
    });
});

describe("fleet report", () => {
    const result = (stack: string, status: StackResult["status"], extra: Partial<StackResult> = {}): StackResult =>
        ({ stack, status, changes: {}, durationMs: 1500, logFile: `/logs/${stack}.up.log`, ...extra });

    it("counts the outcomes, fails on a failure or findings, and prints a row per stack with the reason", () => {
        const report = buildReport("up", "/p", new Date(Date.now() - 3000), 4, [
            result("a", "changed", { changes: { create: 2, same: 1 } }),
            result("bb", "unchanged", { changes: { same: 3 } }),
            result("c", "failed", { reason: "NocoBase refused the API key" }),
        ]);
        assert.deepEqual(report.summary, { changed: 1, unchanged: 1, healthy: 0, findings: 0, failed: 1 });
        assert.equal(report.exitCode, 1);
        const table = renderSummary(report);
        assert.match(table, /^a {6}changed\s+1\.5 s {2}2 create$/m);
        assert.match(table, /^bb {5}unchanged\s+1\.5 s$/m);
        assert.match(table, /^c {6}failed\s+1\.5 s {2}NocoBase refused the API key$/m);
        assert.match(table, /fleet up: 3 stacks, 1 changed, 1 unchanged, 1 failed in \d+\.\d s \(concurrency 4\)/);
        assert.equal(buildReport("doctor", "/p", new Date(), 1, [result("a", "healthy")]).exitCode, 0);
        assert.equal(buildReport("doctor", "/p", new Date(), 1, [result("a", "findings")]).exitCode, 1);
    });

    it("reads back the stacks that failed or had findings for --only-failed, and refuses what is not a report", () => {
        const report = buildReport("up", "/p", new Date(), 2, [result("a", "changed"), result("b", "failed"), result("c", "findings")]);
        assert.deepEqual(failedStacksOf(tempFile("fleet-report.json", JSON.stringify(report))), ["b", "c"]);
        assert.throws(() => failedStacksOf(tempFile("fleet-report.json", "{}")), /is not a fleet report/);
        assert.throws(() => failedStacksOf("/nonexistent/fleet-report.json"), /cannot read the last report .*ENOENT.*run the fleet once without --only-failed/);
    });
});
