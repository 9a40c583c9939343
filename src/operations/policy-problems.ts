/**
 * What a tenant's app-management policy means for a stack, for the doctor and the adoption preflight: each
 * restriction the stack would run into, in Microsoft's words (the error code it would answer with), and the
 * fix. Configuration fixes are `pulumi config set` commands that the configuration rules accept
 * (`scheduleWithinCap`); what no configuration can avoid is said so, with the administrator's way out.
 */
import { configChangeCommand, configChangeCommands, MIN_SECRET_LIFETIME_CAP_DAYS, scheduleWithinCap } from "../configuration/settings";
import {
    allowedAudience, describePolicy, describeScope, POLICY_ERROR_CODES, POLICY_PORTAL, type PolicyVerdict,
} from "../microsoft/app-management-policy";
import type { RotationPolicy } from "../registration/secret-rotation";
import { isSignInAudience } from "../registration/sign-in-audience";

export type PolicyProblemCode = "secret-lifetime-over-policy" | "secrets-blocked-by-policy" | "audience-blocked-by-policy";

export interface PolicyProblem {
    readonly code: PolicyProblemCode;
    /** What the policy refuses and what Microsoft would answer. */
    readonly problem: string;
    readonly fix: string;
}

interface StackUnderPolicy {
    readonly stack: string;
    /** The stack's schedule; undefined when it cannot be told (then the lifetime is not compared). */
    readonly schedule: Pick<RotationPolicy, "rotationDays" | "lifetimeDays"> | undefined;
    readonly signInAudience: string;
    /** Client ID of the application, for the administrator's exemption; undefined before it exists. */
    readonly clientId: string | undefined;
}

function exemption(clientId: string | undefined): string {
    return `an administrator exempts the application in ${POLICY_PORTAL} (the policy's "Excluded apps"` +
        `${clientId === undefined ? "" : `, application ${clientId}`}), which assigns it a policy of its own`;
}

/** The problems the policy gives the stack, most fundamental first. */
export function policyProblems(verdict: PolicyVerdict, target: StackUnderPolicy): PolicyProblem[] {
    const found: PolicyProblem[] = [];
    const policy = verdict.policy === undefined ? "" : describePolicy(verdict.policy);
    const up = `pulumi up --stack ${target.stack}`;
    if (verdict.secretsBlocked !== undefined) {
        found.push({
            code: "secrets-blocked-by-policy",
            problem: `${policy} blocks new client secrets (passwordAddition)${describeScope(verdict.secretsBlocked)}: Microsoft refuses ` +
                `the next secret with ${POLICY_ERROR_CODES.secretsBlocked}, and NocoBase's Email Manager signs in only with a client secret`,
            fix: `no configuration of the stack avoids it: ${exemption(target.clientId)}, then ${up}`,
        });
    }
    const cap = verdict.lifetimeCap;
    if (cap !== undefined && cap.days === undefined) {
        found.push({
            code: "secret-lifetime-over-policy",
            problem: `${policy} caps new client secrets at ${cap.maxLifetime}${describeScope(cap)}, a duration in years or months ` +
                "this tool does not convert to days",
            fix: `declare the cap in days: ${configChangeCommand(target.stack, { key: "secretLifetimeCapDays", value: "<days>" })}; ` +
                "the configuration rules then refuse a longer secretLifetimeDays",
        });
    } else if (cap?.days !== undefined && target.schedule !== undefined && target.schedule.lifetimeDays > cap.days) {
        const fitting = scheduleWithinCap(target.schedule, cap.days);
        found.push({
            code: "secret-lifetime-over-policy",
            problem: `${policy} caps new client secrets at ${cap.maxLifetime} (${cap.days} days)${describeScope(cap)}; the stack's secrets ` +
                `live ${target.schedule.lifetimeDays} days (secretLifetimeDays), so Microsoft refuses the next one with ${POLICY_ERROR_CODES.lifetime}`,
            fix: fitting === undefined
                ? `no schedule fits a cap below ${MIN_SECRET_LIFETIME_CAP_DAYS} days: ${exemption(target.clientId)}`
                : `${configChangeCommands(target.stack, fitting)}, then ${up} (a lifetime of at least 2 x the rotation period + 7 days must fit the cap)`,
        });
    }
    const audienceBlock = isSignInAudience(target.signInAudience) ? verdict.blockedAudiences.get(target.signInAudience) : undefined;
    if (isSignInAudience(target.signInAudience) && audienceBlock !== undefined) {
        const allowed = allowedAudience(verdict, target.signInAudience);
        found.push({
            code: "audience-blocked-by-policy",
            problem: `${policy} blocks the sign-in audience ${target.signInAudience}${describeScope(audienceBlock)}: ` +
                `Microsoft refuses creating or updating the application with it (${POLICY_ERROR_CODES.audience})`,
            fix: `${configChangeCommand(target.stack, { key: "signInAudience", value: allowed })}, then ${up} ` +
                `(${allowed === "AzureADMyOrg" ? "only this tenant's users" : "work and school accounts only"} can then sign in); or ${exemption(target.clientId)}`,
        });
    }
    return found;
}
