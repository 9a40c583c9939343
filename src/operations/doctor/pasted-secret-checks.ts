/**
 * The doctor's view of pasted Email Settings: which secret an administrator confirmed pasting, whether it
 * still exists at Microsoft and until when, and whether a newer one awaits pasting and by when. The outputs
 * say what the stack recorded; the live registration says whether the confirmed secret is still there.
 */
import { DAY_MS } from "../../registration/secret-rotation";
import type { StackOutputs } from "../stack-outputs";
import type { Finding, PastedSecretReport } from "./findings";
import type { LiveRegistration } from "./live-registration";

interface CheckOptions {
    readonly now: Date;
    /** A paste due within this many days is reported. */
    readonly warnDays: number;
}

function pasteFix(stack: string, keyId: string | undefined): string {
    return `Paste the newest client secret into NocoBase's Email Settings (npm run email-settings -- --stack ${stack} --show-secret), ` +
        `then confirm it: pulumi config set --stack ${stack} nocobase-entra-mail:pastedSecretKeyId ${keyId ?? "<key ID>"} and run pulumi up --stack ${stack}.`;
}

/**
 * The report line and findings of a stack in pasted mode; nothing for a stack whose Email Settings read
 * variables. `rotationWaits`: a due rotation waits for the paste, so its passed `nextRotationAt` is no
 * missed run (the paste-due finding says what to do instead).
 */
export function checkPastedSecret(expected: StackOutputs, live: LiveRegistration, options: CheckOptions):
    { readonly report: PastedSecretReport | undefined; readonly findings: Finding[]; readonly rotationWaits: boolean } {
    if (expected.emailSettings !== "pasted" || live.application === undefined) {
        return { report: undefined, findings: [], rotationWaits: false };
    }
    const rotationWaits = expected.pastedSecret?.rotationWaitsForPaste === true;
    const status = expected.pastedSecret ?? {};
    const stack = expected.environment;
    const findings: Finding[] = [];
    const confirmed = status.confirmedKeyId === undefined ? undefined
        : live.application.passwordCredentials.find((p) => p.keyId.toLowerCase() === status.confirmedKeyId?.toLowerCase());
    if (status.confirmedKeyId !== undefined && confirmed === undefined) {
        findings.push({
            code: "pasted-secret-missing", severity: "error",
            message: `The secret confirmed pasted into Email Settings (key ID ${status.confirmedKeyId}) is no longer on the application; ` +
                "the Email Manager cannot connect mailboxes with it.",
            fix: pasteFix(stack, status.awaitingKeyId ?? expected.clientSecretKeyId),
        });
    } else if (confirmed !== undefined && Date.parse(confirmed.endDateTime) <= options.now.getTime()) {
        findings.push({
            code: "pasted-secret-expired", severity: "error",
            message: `The secret confirmed pasted into Email Settings (key ID ${confirmed.keyId}) expired on ${confirmed.endDateTime}; ` +
                "the Email Manager cannot connect mailboxes with it.",
            fix: pasteFix(stack, status.awaitingKeyId ?? expected.clientSecretKeyId),
        });
    }
    if (status.awaitingKeyId !== undefined && status.pasteBy !== undefined && findings.length === 0) {
        const daysLeft = (Date.parse(status.pasteBy) - options.now.getTime()) / DAY_MS;
        if (daysLeft <= options.warnDays || rotationWaits) {
            findings.push({
                code: "paste-due", severity: "warning",
                message: `A newer client secret (key ID ${status.awaitingKeyId}) awaits pasting into Email Settings since ` +
                    `${status.awaitingSince ?? "the last rotation"}; it must be pasted and confirmed before ${status.pasteBy}` +
                    (daysLeft <= 0 ? ", which has passed" : `, in ${Math.floor(daysLeft)} days`) + ` (warning threshold ${options.warnDays} days).` +
                    (status.confirmedKeyId === undefined ? " No pasted secret is confirmed, so no run protects the one in Email Settings." : "") +
                    (rotationWaits ? ` The rotation due at ${expected.nextRotationAt} waits for it: NocoBase's variables hold the newest secret and Email Settings the other.` : ""),
                fix: pasteFix(stack, status.awaitingKeyId),
            });
        }
    }
    return {
        report: {
            confirmedKeyId: status.confirmedKeyId,
            confirmedExpiresAt: confirmed?.endDateTime ?? status.confirmedExpiresAt,
            awaitingKeyId: status.awaitingKeyId,
            awaitingSince: status.awaitingSince,
            pasteBy: status.pasteBy,
        },
        findings,
        rotationWaits,
    };
}
