/**
 * `nocobase-entra-mail fleet`: selects the stacks, runs each in its own child process (stack-worker.ts for preview,
 * up and refresh; the doctor with --stack for doctor) at most `concurrency` at a time, shows a live line
 * per stack, then the summary table or the JSON report. The report is also written to the log folder for
 * `--only-failed`. A stack's failure is its own result: the others run on regardless.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defineCommand, EXIT_OK } from "../command-line";
import { mapWithConcurrency } from "../doctor/bounded-concurrency";
import { redactForeignText } from "../../redaction";
import { FLEET_DESCRIPTION, FLEET_SYNOPSIS, parseFleetArguments, type FleetArguments } from "./fleet-arguments";
import { buildMatrix } from "./fleet-matrix";
import { projectStacks, readFleetProject, type FleetProject } from "./fleet-project";
import {
    buildReport, failedStacksOf, renderSummary, REPORT_FILE, type DeployOperation, type StackResult, type WorkerMessage,
} from "./fleet-report";
import { runChild } from "./fleet-child";
import { FleetProgress } from "./fleet-progress";
import { readStackList, selectStacks } from "./stack-selection";
import type { WorkerRequest } from "./stack-worker";

const ROOT = path.resolve(__dirname, "..", "..", "..");
// Compiled (dist/), the children are JavaScript; from the sources they run under tsx, as this process does.
const FROM_SOURCES = __filename.endsWith(".ts");
const EXTENSION = FROM_SOURCES ? ".ts" : ".js";
const WORKER = path.join(__dirname, `stack-worker${EXTENSION}`);
const TOOL = path.join(__dirname, "..", "..", `cli${EXTENSION}`);

export interface FleetIo {
    readonly stdout: { write(text: string): unknown };
    /** Progress and errors; a terminal gets the live table. */
    readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
    readonly env: NodeJS.ProcessEnv;
    readonly cwd: string;
}

const NODE_FLAGS = FROM_SOURCES ? ["--import", "tsx"] : [];

/** The result of a stack whose child ran out of time, and what to do about the lock it may leave. */
function timedOutResult(stack: string, started: number, logFile: string, timeoutMinutes: number): StackResult {
    return {
        stack, status: "failed", changes: {}, durationMs: Date.now() - started, logFile,
        reason: `no result within ${timeoutMinutes} min (--stack-timeout-minutes), stopped; if the stack stays locked, ` +
            `pulumi cancel --stack ${stack} (or, on a file backend, delete its lock under .pulumi/locks), then run it again`,
    };
}

async function runDeploy(op: DeployOperation, stack: string, project: FleetProject, logFile: string, env: NodeJS.ProcessEnv,
    progress: FleetProgress, timeoutMinutes: number): Promise<StackResult> {
    const started = Date.now();
    const request: WorkerRequest = { op, stack, projectDir: project.dir, logFile };
    let result: StackResult | undefined;
    const run = await runChild([WORKER, JSON.stringify(request)], {
        cwd: ROOT, env, nodeFlags: NODE_FLAGS, timeoutMs: timeoutMinutes * 60_000, onLine: (line) => {
            if (!line.startsWith("FLEET ")) {
                return;
            }
            const message = JSON.parse(line.slice("FLEET ".length)) as WorkerMessage;
            if (message.kind === "progress") {
                progress.resources(stack, message.resources);
            } else {
                result = message.result;
            }
        },
    });
    if (result !== undefined) {
        return result;
    }
    if (run.timedOut) {
        return timedOutResult(stack, started, logFile, timeoutMinutes);
    }
    // A worker that died before its result wrote no log: Node's own report of it, redacted, is the log.
    fs.writeFileSync(logFile, redactForeignText(run.stderr, { maxLength: 20_000 }), { mode: 0o600 });
    return {
        stack, status: "failed", changes: {}, durationMs: Date.now() - started, logFile,
        reason: `the stack's worker exited (${run.code ?? "signal"}) without a result; see its log`,
    };
}

interface DoctorJson {
    readonly environments?: ReadonlyArray<{ outcome: string; error?: string; findings: ReadonlyArray<{ message: string; fix: string }> }>;
}

async function runDoctor(stack: string, project: FleetProject, logFile: string, env: NodeJS.ProcessEnv,
    doctorOptions: readonly string[], timeoutMinutes: number): Promise<StackResult> {
    const started = Date.now();
    const run = await runChild([TOOL, "doctor", "--json", "--project", project.dir, "--stack", stack, ...doctorOptions], {
        cwd: ROOT, env, nodeFlags: NODE_FLAGS, timeoutMs: timeoutMinutes * 60_000,
    });
    // The doctor redacts its own output (the stack's secrets included): the log is what it printed.
    fs.writeFileSync(logFile, run.stdout, { mode: 0o600 });
    if (run.timedOut) {
        return timedOutResult(stack, started, logFile, timeoutMinutes);
    }
    const base = { stack, changes: {}, durationMs: Date.now() - started, logFile };
    let report: DoctorJson;
    try {
        report = JSON.parse(run.stdout) as DoctorJson;
    } catch {
        return { ...base, status: "failed", reason: `the doctor could not check the stack (exit ${run.code ?? "signal"}); see its log` };
    }
    const environment = report.environments?.[0];
    if (environment === undefined || environment.outcome === "unchecked") {
        return { ...base, status: "failed", reason: redactForeignText(environment?.error ?? "the doctor checked nothing", { maxLength: 240 }) };
    }
    if (environment.outcome === "healthy") {
        return { ...base, status: "healthy" };
    }
    const first = environment.findings[0];
    const more = environment.findings.length > 1 ? ` (+${environment.findings.length - 1} more)` : "";
    return { ...base, status: "findings", reason: redactForeignText(`${first.message}${more}`, { maxLength: 240 }) };
}

function selection(args: FleetArguments, project: FleetProject): string[] {
    const available = projectStacks(project);
    if (args.onlyFailed) {
        return selectStacks(available, failedStacksOf(path.join(args.logDir, REPORT_FILE)));
    }
    return selectStacks(available, args.listFile === undefined ? args.patterns : readStackList(args.listFile));
}

/** Runs the parsed fleet command; an unusable project or selection throws `UsageError` (exit 2). */
export async function runFleet(args: FleetArguments, io: FleetIo): Promise<number> {
    const project = readFleetProject(args.projectDir);
    if (args.onlyFailed && failedStacksOf(path.join(args.logDir, REPORT_FILE)).length === 0) {
        io.stderr.write("fleet: no stack failed in the last run; nothing to re-run.\n");
        return EXIT_OK;
    }
    const stacks = selection(args, project);
    if (args.command === "matrix") {
        io.stdout.write(`${JSON.stringify(buildMatrix(stacks, args.maxJobs))}\n`);
        return EXIT_OK;
    }
    const operation = args.command;
    fs.mkdirSync(args.logDir, { recursive: true });
    const startedAt = new Date();
    const progress = new FleetProgress(operation, stacks, io.stderr);
    const results = await mapWithConcurrency(stacks, args.concurrency, async (stack) => {
        const logFile = path.join(args.logDir, `${stack}.${operation}.log`);
        progress.started(stack);
        const result = operation === "doctor"
            ? await runDoctor(stack, project, logFile, io.env, args.doctorOptions, args.stackTimeoutMinutes)
            : await runDeploy(operation, stack, project, logFile, io.env, progress, args.stackTimeoutMinutes);
        progress.finished(result);
        return result;
    });
    progress.close();
    const report = buildReport(operation, project.dir, startedAt, args.concurrency, results);
    const json = `${JSON.stringify(report, null, 2)}\n`;
    // Written after every run except --only-failed, whose results are merged in: the next --only-failed
    // re-runs what is still failing, and a plain run's report stays the record of the whole fleet.
    fs.writeFileSync(path.join(args.logDir, REPORT_FILE), args.onlyFailed ? mergedReport(args, report) : json, { mode: 0o600 });
    io.stdout.write(args.json ? json : renderSummary(report));
    return report.exitCode;
}

/** The last report with the re-run stacks' new results in place of their old ones. */
function mergedReport(args: FleetArguments, rerun: ReturnType<typeof buildReport>): string {
    const last = JSON.parse(fs.readFileSync(path.join(args.logDir, REPORT_FILE), "utf8")) as ReturnType<typeof buildReport>;
    const byStack = new Map(rerun.stacks.map((s) => [s.stack, s]));
    const stacks = last.stacks.map((s) => byStack.get(s.stack) ?? s);
    return `${JSON.stringify(buildReport(last.operation, last.project, new Date(last.startedAt), last.concurrency, stacks), null, 2)}\n`;
}

export const fleetCommand = defineCommand({
    name: "fleet",
    summary: "preview, up, refresh or doctor over many stacks of a project, each in its own process; or a CI matrix",
    synopsis: FLEET_SYNOPSIS,
    description: FLEET_DESCRIPTION,
    exits: { ok: "every stack succeeded (doctor: healthy)", failed: "a stack failed or had findings" },
    parse: (argv) => parseFleetArguments(argv, process.cwd()),
    run: (args, io) => runFleet(args, {
        // The live progress redraws a terminal in place: it needs the real stream and its width.
        stdout: { write: (text: string) => io.stdout(text) }, stderr: process.stderr, env: io.env, cwd: process.cwd(),
    }),
});
