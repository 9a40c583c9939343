/**
 * The doctor's two output forms: a table for people and `--json` for machines. Both are built from the
 * reports only, which never hold a secret; the command redacts what it prints as a last guard.
 */
import { exitCodeFor, type EnvironmentReport, type PastedSecretReport } from "./findings";

const OUTCOME_LABEL = { healthy: "OK", findings: "FINDINGS", unchecked: "COULD NOT CHECK" } as const;

function shortId(id: string | undefined): string {
    return id ? `${id.slice(0, 8)}…` : "?";
}

function wrap(text: string, width: number, indent: string): string {
    const words = text.split(" ");
    const lines: string[] = [];
    let line = "";
    for (const word of words) {
        if (line !== "" && line.length + word.length + 1 > width) {
            lines.push(line);
            line = word;
        } else {
            line = line === "" ? word : `${line} ${word}`;
        }
    }
    lines.push(line);
    return lines.join(`\n${indent}`);
}

/** One line on pasted Email Settings: what they hold, what awaits pasting and by when. */
function pastedLine(pasted: PastedSecretReport): string {
    const held = pasted.confirmedKeyId === undefined ? "Email Settings (pasted): no pasted secret confirmed"
        : `Email Settings (pasted): hold ${pasted.confirmedKeyId}, expires ${pasted.confirmedExpiresAt ?? "?"}`;
    return pasted.awaitingKeyId === undefined ? `${held}; nothing awaits pasting.`
        : `${held}; ${pasted.awaitingKeyId} awaits pasting since ${pasted.awaitingSince ?? "the last rotation"}, paste by ${pasted.pasteBy ?? "?"}.`;
}

export function renderTable(reports: readonly EnvironmentReport[], width = 100): string {
    const out: string[] = [];
    const nameWidth = Math.max(11, ...reports.map((r) => r.environment.length));
    const codeWidth = Math.max(5, ...reports.flatMap((r) => r.findings.map((f) => f.code.length)));
    // A failure shared by several environments (the doctor's own sign-in) is said once.
    const firstWithError = new Map<string, string>();
    for (const report of reports) {
        out.push(`${report.environment.padEnd(nameWidth)}  ${OUTCOME_LABEL[report.outcome]}` +
            (report.outcome === "findings" ? ` (${report.findings.length})` : "") +
            `  client ${shortId(report.clientId)}  tenant ${shortId(report.tenantId)}  from ${report.source}`);
        if (report.error) {
            const earlier = firstWithError.get(report.error);
            out.push(earlier === undefined ? `  ${wrap(report.error, width - 2, "  ")}` : `  The same failure as ${earlier}, above.`);
            firstWithError.set(report.error, earlier ?? report.environment);
        }
        if (report.pastedSecret !== undefined) {
            out.push(`  ${wrap(pastedLine(report.pastedSecret), width - 2, "  ")}`);
        }
        const indent = " ".repeat(2 + 8 + codeWidth + 2);
        for (const f of report.findings) {
            out.push(`  ${f.severity.padEnd(8)}${f.code.padEnd(codeWidth)}  ${wrap(f.message, width - indent.length, indent)}`);
            out.push(`${indent}${wrap(`Fix: ${f.fix}`, width - indent.length, indent)}`);
        }
    }
    const count = (o: EnvironmentReport["outcome"]): number => reports.filter((r) => r.outcome === o).length;
    out.push("");
    out.push(`${reports.length} environment${reports.length === 1 ? "" : "s"}: ${count("healthy")} healthy, ` +
        `${count("findings")} with findings, ${count("unchecked")} could not be checked (exit ${exitCodeFor(reports)}).`);
    return out.join("\n") + "\n";
}

export function renderJson(reports: readonly EnvironmentReport[], checkedAt: Date): string {
    const count = (o: EnvironmentReport["outcome"]): number => reports.filter((r) => r.outcome === o).length;
    return JSON.stringify({
        checkedAt: checkedAt.toISOString(),
        exitCode: exitCodeFor(reports),
        summary: { environments: reports.length, healthy: count("healthy"), withFindings: count("findings"), unchecked: count("unchecked") },
        environments: reports,
    }, null, 2) + "\n";
}
