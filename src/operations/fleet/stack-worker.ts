/**
 * One fleet operation on one stack, in its own process: the Node SDK runs one update per process. The
 * project's program runs inline through the Automation API (the CLI connects back with --client), so no
 * Node language host plugin is needed. Started by fleet-run.ts as
 *   node --import tsx stack-worker.ts '<WorkerRequest JSON>'
 * It prints `FLEET <json>` lines (progress, then the result) and writes the engine's output to the log
 * file only after redacting every secret the stack knows: its secret config, its secret outputs before
 * and after the run, and the credentials in the environment.
 */
import * as fs from "node:fs";
import { LocalWorkspace, Stack, type EngineEvent, type OpType } from "@pulumi/pulumi/automation";
import { redactForeignText } from "../../redaction";
import { API_TOKEN_ENV } from "../../nocobase/variables-provider";
import { readFleetProject } from "./fleet-project";
import type { DeployOperation, StackResult, WorkerMessage } from "./fleet-report";

export interface WorkerRequest {
    readonly op: DeployOperation;
    readonly stack: string;
    readonly projectDir: string;
    readonly logFile: string;
}

/** Longest reason quoted in the summary. */
const REASON_LENGTH = 240;

function send(message: WorkerMessage): void {
    process.stdout.write(`FLEET ${JSON.stringify(message)}\n`);
}

/** The module's program: a default-exported function (called), or the module's exports themselves. */
async function runProgram(main: string): Promise<Record<string, unknown>> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(main) as Record<string, unknown> | (() => unknown);
    const entry = typeof mod === "function" ? mod : typeof mod.default === "function" ? mod.default as () => unknown : undefined;
    if (entry !== undefined) {
        return (await entry() ?? {}) as Record<string, unknown>;
    }
    return Object.fromEntries(Object.entries(mod).filter(([key]) => key !== "__esModule" && key !== "default"));
}

async function secretOutputs(stack: Stack): Promise<string[]> {
    try {
        return Object.values(await stack.outputs()).filter((o) => o.secret).flatMap((o) => stringsIn(o.value));
    } catch {
        // A stack never deployed has no outputs; nothing to redact from them.
        return [];
    }
}

function stringsIn(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).flatMap(stringsIn);
    }
    return typeof value === "number" || typeof value === "boolean" ? [String(value)] : [];
}

function changedCount(changes: Partial<Record<OpType, number>>): number {
    return Object.entries(changes).filter(([op]) => op !== "same").reduce((sum, [, n]) => sum + (n ?? 0), 0);
}

/** The first error the engine reported, on one line: the summary's reason. */
function firstError(diagnostics: readonly string[], thrown: string): string {
    const line = diagnostics.map((d) => d.replace(/\s+/g, " ").trim())
        .find((d) => d !== "" && !/^(update|preview|refresh) failed$/.test(d));
    return line ?? thrown.split("\n").map((l) => l.trim()).find((l) => /^error: /.test(l) && !/failed$/.test(l))?.replace(/^error: /, "")
        ?? thrown.split("\n").find((l) => l.trim() !== "")?.trim() ?? "failed without a message";
}

async function run(request: WorkerRequest): Promise<StackResult> {
    const started = Date.now();
    const project = readFleetProject(request.projectDir);
    const log: string[] = [];
    const diagnostics: string[] = [];
    const secrets = [process.env[API_TOKEN_ENV], process.env.AZURE_CLIENT_SECRET, process.env.PULUMI_CONFIG_PASSPHRASE]
        .filter((s): s is string => s !== undefined && s !== "");
    let resources = 0;
    const onEvent = (event: EngineEvent): void => {
        if (event.resOutputsEvent !== undefined || event.resOpFailedEvent !== undefined) {
            send({ kind: "progress", resources: ++resources });
        }
        if (event.diagnosticEvent?.severity === "error") {
            diagnostics.push(event.diagnosticEvent.message);
        }
    };
    const base = { stack: request.stack, logFile: request.logFile };
    let stack: Stack | undefined;
    try {
        const workspace = await LocalWorkspace.create({ workDir: project.dir, program: () => runProgram(project.main) });
        stack = await Stack.createOrSelect(request.stack, workspace);
        for (const value of Object.values(await stack.getAllConfig())) {
            if (value.secret) {
                secrets.push(value.value);
            }
        }
        secrets.push(...await secretOutputs(stack));
        const onOutput = (out: string): void => { log.push(out); };
        let changes: Partial<Record<OpType, number>>;
        switch (request.op) {
            case "preview":
                changes = (await stack.preview({ onOutput, onEvent })).changeSummary;
                break;
            case "up":
                changes = (await stack.up({ onOutput, onEvent })).summary.resourceChanges ?? {};
                break;
            case "refresh":
                changes = (await stack.refresh({ onOutput, onEvent })).summary.resourceChanges ?? {};
                break;
        }
        return { ...base, status: changedCount(changes) > 0 ? "changed" : "unchanged", changes, durationMs: Date.now() - started };
    } catch (err) {
        const thrown = String((err as Error).message ?? err);
        log.push(`\n${thrown}\n`);
        return {
            ...base, status: "failed", changes: {}, durationMs: Date.now() - started,
            reason: redactForeignText(firstError(diagnostics, thrown), { secrets, maxLength: REASON_LENGTH }),
        };
    } finally {
        if (stack !== undefined) {
            secrets.push(...await secretOutputs(stack));
        }
        fs.writeFileSync(request.logFile, redactForeignText(log.join(""), { secrets, maxLength: Number.POSITIVE_INFINITY }), { mode: 0o600 });
    }
}

if (require.main === module) {
    const request = JSON.parse(process.argv[2] ?? "{}") as WorkerRequest;
    run(request).then((result) => {
        send({ kind: "result", result: { ...result, peakRssBytes: process.resourceUsage().maxRSS * 1024 } });
        process.exit(0);
    }, (err: unknown) => {
        send({
            kind: "result",
            result: {
                stack: request.stack, logFile: request.logFile, status: "failed", changes: {}, durationMs: 0,
                reason: `the worker failed: ${redactForeignText(String((err as Error).message ?? err))}`,
            },
        });
        process.exit(0);
    });
}
