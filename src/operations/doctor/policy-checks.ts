/**
 * The doctor's judgement of the tenant's app-management policies for one environment: the stack's schedule
 * as its outputs tell it, against what the policy allows. Pure; the policies are read beside the
 * registration (src/microsoft/app-management-policy.ts).
 */
import { judgePolicies, type PolicyRead } from "../../microsoft/app-management-policy";
import { DAY_MS } from "../../registration/secret-rotation";
import { policyProblems } from "../policy-problems";
import type { StackOutputs } from "../stack-outputs";
import type { Finding } from "./findings";
import type { LiveRegistration } from "./live-registration";

/**
 * The stack's rotation period and secret lifetime, from NocoBase's secret: made for the window starting at
 * `nocobaseSecretWindowStart` (or, in the single-secret layout, when Microsoft says it was made), valid until
 * `clientSecretExpiresAt`, rotated at `nextRotationAt`.
 */
function scheduleOf(expected: StackOutputs, live: LiveRegistration): { rotationDays: number; lifetimeDays: number } | undefined {
    const held = live.application?.passwordCredentials.find((p) => p.keyId === expected.clientSecretKeyId);
    const start = Date.parse(expected.nocobaseSecretWindowStart ?? held?.startDateTime ?? "");
    const lifetimeDays = Math.round((Date.parse(expected.clientSecretExpiresAt) - start) / DAY_MS);
    const rotationDays = Math.round((Date.parse(expected.nextRotationAt) - start) / DAY_MS);
    return Number.isFinite(lifetimeDays) && Number.isFinite(rotationDays) && lifetimeDays > 0 && rotationDays > 0
        ? { rotationDays, lifetimeDays } : undefined;
}

/** Findings from the policies, or a note when they could not be read. */
export function checkPolicies(expected: StackOutputs, live: LiveRegistration, read: PolicyRead, now: Date):
    { findings: Finding[]; notes: string[] } {
    if (!read.readable) {
        return { findings: [], notes: [`App-management policies: ${read.reason}.`] };
    }
    const verdict = judgePolicies(read, { applicationCreatedAt: live.application?.createdDateTime, now });
    const problems = policyProblems(verdict, {
        stack: expected.environment, schedule: scheduleOf(expected, live), signInAudience: expected.signInAudience, clientId: expected.clientId,
    });
    return {
        findings: problems.map((p) => ({
            code: p.code, severity: "error", message: `${capitalised(p.problem)}.`,
            // A command stays as it is typed.
            fix: `${p.fix.startsWith("pulumi ") ? `Run ${p.fix}` : capitalised(p.fix)}.`,
        })),
        notes: [],
    };
}

function capitalised(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
