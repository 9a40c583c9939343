/** The adoption preflight's report as text (one line per item, fixes under losses) or JSON. */
import type { AdoptionItem, AdoptionReport } from "./adoption-report";

const EFFECT_LABEL: Record<AdoptionItem["effect"], string> = {
    keep: "keep", add: "add", change: "change", remove: "REMOVE", fails: "FAILS",
};

export function renderReport(report: AdoptionReport, written: readonly string[]): string {
    const lines = [
        `ADOPTION PREFLIGHT for stack "${report.stack}": application ${report.objectId} "${report.displayName}" (client ${report.clientId})`,
        `Read from Microsoft Graph; nothing in Entra was changed. Deploying identity: ${report.deployer.objectId} (${report.deployer.kind}).`,
    ];
    if (written.length > 0) {
        lines.push(`Wrote to the stack file: ${written.join(", ")}.`);
    }
    lines.push("", "The stack's first `pulumi up` would:");
    const areaWidth = Math.max(...report.items.map((i) => i.area.length));
    for (const item of report.items) {
        lines.push(`  ${EFFECT_LABEL[item.effect].padEnd(6)}  ${item.area.padEnd(areaWidth)}  ${item.subject}`);
        if (item.detail !== undefined) {
            lines.push(`  ${" ".repeat(8 + areaWidth)}  ${item.detail}`);
        }
        if (item.fix !== undefined) {
            lines.push(`  ${" ".repeat(8 + areaWidth)}  Fix: ${item.fix}`);
        }
    }
    if (report.notes.length > 0) {
        lines.push("", ...report.notes.map((note) => `Note: ${note}`));
    }
    const verdict = report.exitCode === 0
        ? "Nothing would be lost (exit 0)."
        : `${report.losses} would be removed, ${report.failures} would make pulumi up fail (exit 1).`;
    lines.push("", verdict, "");
    return lines.join("\n");
}

export function renderJson(report: AdoptionReport, written: readonly string[]): string {
    return `${JSON.stringify({ ...report, written }, null, 2)}\n`;
}
