/**
 * What a fleet run reports: one result per stack, the summary table, the JSON report (also kept in the
 * log folder, where `--only-failed` reads the last one back) and the exit code.
 */
import * as fs from "node:fs";
import type { OpType } from "@pulumi/pulumi/automation";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../command-line";
import { quoteForeign } from "../../redaction";

export type DeployOperation = "preview" | "up" | "refresh";
export type FleetOperation = DeployOperation | "doctor";

/** changed / unchanged for preview, up and refresh; healthy / findings for the doctor; failed for any. */
export type StackStatus = "changed" | "unchanged" | "healthy" | "findings" | "failed";

export interface StackResult {
    readonly stack: string;
    readonly status: StackStatus;
    /** Steps by kind (create, same, update, ...); empty for the doctor and for a failure. */
    readonly changes: Partial<Record<OpType, number>>;
    /** Why the stack failed or what the doctor found, on one line, redacted. */
    readonly reason?: string;
    readonly durationMs: number;
    /** Peak resident memory of the stack's worker process (bytes), when it reported one. */
    readonly peakRssBytes?: number;
    readonly logFile: string;
}

export type WorkerMessage =
    | { readonly kind: "progress"; readonly resources: number }
    | { readonly kind: "result"; readonly result: StackResult };

export interface FleetReport {
    readonly operation: FleetOperation;
    readonly project: string;
    readonly startedAt: string;
    readonly durationMs: number;
    readonly concurrency: number;
    readonly exitCode: number;
    readonly summary: Readonly<Record<StackStatus, number>>;
    readonly stacks: readonly StackResult[];
}

export const REPORT_FILE = "fleet-report.json";

export function isProblem(status: StackStatus): boolean {
    return status === "failed" || status === "findings";
}

export function buildReport(operation: FleetOperation, project: string, startedAt: Date, concurrency: number,
    stacks: readonly StackResult[]): FleetReport {
    const summary = { changed: 0, unchanged: 0, healthy: 0, findings: 0, failed: 0 };
    for (const result of stacks) {
        summary[result.status]++;
    }
    return {
        operation, project, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), concurrency,
        exitCode: stacks.some((s) => isProblem(s.status)) ? EXIT_FAILED : EXIT_OK, summary, stacks,
    };
}

function describeChanges(changes: Partial<Record<OpType, number>>): string {
    const parts = Object.entries(changes).filter(([op, n]) => op !== "same" && (n ?? 0) > 0).map(([op, n]) => `${n} ${op}`);
    return parts.join(", ");
}

/** The summary table: one row per stack, the reason of a failure on its row, then the totals. */
export function renderSummary(report: FleetReport): string {
    const width = Math.max(5, ...report.stacks.map((s) => s.stack.length));
    const rows = report.stacks.map((s) => {
        const detail = s.reason ?? describeChanges(s.changes);
        return `${s.stack.padEnd(width)}  ${s.status.padEnd(9)}  ${(s.durationMs / 1000).toFixed(1).padStart(6)} s  ${detail}`.trimEnd();
    });
    const totals = Object.entries(report.summary).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`).join(", ");
    return [`${"stack".padEnd(width)}  ${"status".padEnd(9)}  ${"time".padStart(8)}  detail`, ...rows, "",
        `fleet ${report.operation}: ${report.stacks.length} stack${report.stacks.length === 1 ? "" : "s"}, ${totals || "nothing selected"} in ${(report.durationMs / 1000).toFixed(1)} s ` +
        `(concurrency ${report.concurrency}); logs beside ${REPORT_FILE}`, ""].join("\n");
}

/** The stacks whose last run failed (or had findings), from a report file written by an earlier run. */
export function failedStacksOf(reportFile: string): string[] {
    let report: { stacks?: unknown };
    try {
        report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as { stacks?: unknown };
    } catch (err) {
        throw new UsageError(`--only-failed: cannot read the last report ${quoteForeign(reportFile)} ` +
            `(${(err as NodeJS.ErrnoException).code ?? "not JSON"}). Fix: run the fleet once without --only-failed, or pass --log-dir of that run.`, { cause: err });
    }
    if (!Array.isArray(report.stacks)) {
        throw new UsageError(`--only-failed: ${quoteForeign(reportFile)} is not a fleet report. Fix: pass --log-dir of an earlier fleet run.`);
    }
    return (report.stacks as StackResult[]).filter((s) => isProblem(s.status)).map((s) => s.stack);
}
