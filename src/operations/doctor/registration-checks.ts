/**
 * The live check's judgement: expected state (stack outputs) against live state (what Entra holds), as
 * typed findings. Pure, so every rule is tested without a network.
 */
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";
import { DAY_MS } from "../../registration/secret-rotation";
import { AudienceLimits, audienceLimits, isSignInAudience } from "../../registration/sign-in-audience";
import type { StackOutputs } from "../stack-outputs";
import type { Finding } from "./findings";
import type { LiveRegistration } from "./live-registration";
import { describePermission } from "../../microsoft/permission-names";

interface CheckOptions {
    readonly now: Date;
    /** A secret expiring within this many days is reported. */
    readonly warnDays: number;
}

/** Microsoft's limits for the live audience; undefined for a value this project does not know. */
function limitsOf(audience: string): AudienceLimits | undefined {
    return isSignInAudience(audience) ? audienceLimits(audience) : undefined;
}

function pulumiUp(expected: StackOutputs): string {
    return `pulumi up --stack ${expected.environment}`;
}

function checkRedirectUris(expected: StackOutputs, live: readonly string[], findings: Finding[]): void {
    const missing = expected.redirectUris.filter((u) => !live.includes(u));
    const unexpected = live.filter((u) => !expected.redirectUris.includes(u));
    if (missing.length > 0) {
        findings.push({
            code: "redirect-uri-missing", severity: "error",
            message: `Redirect URI${missing.length > 1 ? "s" : ""} not registered: ${missing.join(", ")}. ` +
                "Sign-in from NocoBase fails with AADSTS50011 (redirect URI mismatch).",
            fix: `Run ${pulumiUp(expected)} to restore the stack's redirect URIs.`,
        });
    }
    if (unexpected.length > 0) {
        findings.push({
            code: "redirect-uri-unexpected", severity: "warning",
            message: `Redirect URI${unexpected.length > 1 ? "s" : ""} registered outside the stack: ${unexpected.join(", ")}. ` +
                "The next pulumi up removes them.",
            fix: "Add them to the stack's redirect URI configuration if they are wanted, otherwise run " +
                `${pulumiUp(expected)} to remove them.`,
        });
    }
}

function checkDelegatedPermissions(expected: StackOutputs, live: LiveRegistration, findings: Finding[]): void {
    const access = live.application?.requiredResourceAccess ?? [];
    const graphScopes = access.filter((r) => r.resourceAppId === MICROSOFT_GRAPH_APP_ID)
        .flatMap((r) => r.resourceAccess.filter((a) => a.type === "Scope").map((a) => a.id));
    const missing = MAIL_DELEGATED_SCOPES.filter((s) => !graphScopes.includes(s.id)).map((s) => s.name);
    const expectedIds = new Set(MAIL_DELEGATED_SCOPES.map((s) => s.id));
    // Permissions the stack keeps for an adopted registration are expected too.
    const kept = new Set((expected.additionalPermissions ?? []).map((p) => p.toLowerCase()));
    const extra = access.flatMap((r) => r.resourceAccess
        .filter((a) => r.resourceAppId !== MICROSOFT_GRAPH_APP_ID || a.type !== "Scope" || !expectedIds.has(a.id))
        .filter((a) => !kept.has(`${r.resourceAppId}/${a.type}/${a.id}`.toLowerCase()))
        .map((a) => describePermission(r.resourceAppId, a.type, a.id, live.graphPermissionNames)));
    if (missing.length > 0) {
        findings.push({
            code: "delegated-permission-missing", severity: "error",
            message: `Delegated Microsoft Graph permissions missing: ${missing.join(", ")}. NocoBase cannot read or send mail without them.`,
            fix: `Run ${pulumiUp(expected)} to restore the permissions${expected.adminConsent ? " and the admin consent" : ""}.`,
        });
    }
    if (extra.length > 0) {
        findings.push({
            code: "delegated-permission-extra", severity: "warning",
            message: `Permissions requested beyond what NocoBase's Email Manager needs: ${extra.join("; ")}.`,
            fix: `Run ${pulumiUp(expected)} to return to the least permissions (requiredResourceAccess is replaced whole).`,
        });
    }
}

function checkAudience(expected: StackOutputs, live: LiveRegistration, findings: Finding[]): void {
    const app = live.application;
    if (!app) {
        return;
    }
    if (app.signInAudience !== expected.signInAudience) {
        findings.push({
            code: "sign-in-audience-mismatch", severity: "error",
            message: `Supported account types are ${app.signInAudience}, the stack expects ${expected.signInAudience}.`,
            fix: `Run ${pulumiUp(expected)} to set them back.`,
        });
    }
    if (limitsOf(app.signInAudience)?.requiresV2AccessTokens === true && app.requestedAccessTokenVersion !== 2) {
        findings.push({
            code: "access-token-version", severity: "error",
            message: `api.requestedAccessTokenVersion is ${String(app.requestedAccessTokenVersion)}; audience ${app.signInAudience} requires 2.`,
            fix: `Run ${pulumiUp(expected)}; it sets version 2 together with the audience.`,
        });
    }
}

function checkSecrets(expected: StackOutputs, live: LiveRegistration, options: CheckOptions, findings: Finding[]): void {
    const app = live.application;
    if (!app) {
        return;
    }
    const own = app.passwordCredentials.find((p) => p.keyId === expected.clientSecretKeyId);
    if (!own) {
        findings.push({
            code: "secret-missing", severity: "error",
            message: `The stack's client secret (key ID ${expected.clientSecretKeyId}) is no longer on the application; ` +
                "NocoBase's copy of it no longer works.",
            fix: `Run ${pulumiUp(expected)} to create a new secret and hand it to NocoBase.`,
        });
    } else {
        const expiresAt = Date.parse(own.endDateTime);
        const daysLeft = (expiresAt - options.now.getTime()) / DAY_MS;
        if (daysLeft <= 0) {
            findings.push({
                code: "secret-expired", severity: "error",
                message: `The stack's client secret (key ID ${own.keyId}) expired on ${own.endDateTime}; NocoBase cannot sign in to Microsoft.`,
                fix: `Run ${pulumiUp(expected)} to rotate it.`,
            });
        } else if (daysLeft <= options.warnDays) {
            findings.push({
                code: "secret-expiring", severity: "warning",
                message: `The stack's client secret (key ID ${own.keyId}) expires on ${own.endDateTime}, in ${Math.floor(daysLeft)} days ` +
                    `(warning threshold ${options.warnDays} days).`,
                fix: Date.parse(expected.nextRotationAt) <= options.now.getTime()
                    ? `Run ${pulumiUp(expected)} now: the stack's rotation date ${expected.nextRotationAt} has passed, so it rotates the secret.`
                    : `Run ${pulumiUp(expected)} after ${expected.nextRotationAt}, when the stack rotates the secret; or lower the rotation period.`,
            });
        }
    }
    const managed = new Set([expected.clientSecretKeyId, ...(expected.managedSecretKeyIds ?? [])]);
    const unmanaged = app.passwordCredentials.filter((p) => !managed.has(p.keyId));
    if (unmanaged.length > 0) {
        findings.push({
            code: "unmanaged-secrets", severity: "warning",
            message: `Client secrets the stack does not manage: ${unmanaged.map((p) =>
                `${p.keyId} (${p.displayName ?? "no description"}, expires ${p.endDateTime})`).join("; ")}.`,
            fix: "Remove them in the Entra admin center (App registrations > Certificates & secrets) unless something else uses them.",
        });
    }
    // The next rotation deletes the fallback slot's secret before making its new one: it needs room for
    // one more secret only while that slot is empty.
    const secretLimit = limitsOf(app.signInAudience)?.maxClientSecrets;
    const fallbackHeld = expected.fallbackSecretKeyId !== undefined && app.passwordCredentials.some((p) => p.keyId === expected.fallbackSecretKeyId);
    const afterRotation = app.passwordCredentials.length + (fallbackHeld ? 0 : 1);
    if (secretLimit !== undefined && afterRotation > secretLimit && unmanaged.length > 0) {
        findings.push({
            code: "rotation-blocked", severity: "error",
            message: `The application holds ${app.passwordCredentials.length} client secrets, ${unmanaged.length} of them not the stack's; ` +
                `the next rotation would make it ${afterRotation}, above the limit of ${secretLimit} for ${app.signInAudience}, ` +
                "and will fail with TooManyAppPasswords.",
            fix: `Remove the unmanaged secret${unmanaged.length > 1 ? "s" : ""} ${unmanaged.map((p) => p.keyId).join(", ")} ` +
                "(Entra admin center > App registrations > Certificates & secrets).",
        });
    }
}

function checkServicePrincipalAndConsent(expected: StackOutputs, live: LiveRegistration, findings: Finding[]): void {
    if (live.servicePrincipalId === undefined) {
        findings.push({
            code: "service-principal-missing", severity: "error",
            message: `Application ${expected.clientId} has no service principal (enterprise application) in tenant ${expected.tenantId}; ` +
                "users of this tenant cannot sign in.",
            fix: `Run ${pulumiUp(expected)} to create it.`,
        });
        return;
    }
    if (!expected.adminConsent || live.adminConsentScopes === undefined) {
        return;
    }
    const missing = MAIL_DELEGATED_SCOPES.map((s) => s.name).filter((s) => !live.adminConsentScopes?.includes(s));
    if (missing.length > 0) {
        findings.push({
            code: "admin-consent-missing", severity: "error",
            message: live.adminConsentScopes.length === 0
                ? "The stack expects tenant-wide admin consent, but no grant to Microsoft Graph exists; each user is asked to consent."
                : `The tenant-wide admin consent lacks: ${missing.join(", ")}.`,
            fix: `Run ${pulumiUp(expected)} with a deployer holding DelegatedPermissionGrant.ReadWrite.All ` +
                "(nocobase-entra-mail bootstrap-deployer ... --admin-consent).",
        });
    }
}

function checkOwners(expected: StackOutputs, live: LiveRegistration, findings: Finding[]): void {
    const missing = live.ownerIds === undefined ? []
        : (expected.owners ?? []).filter((o) => !live.ownerIds?.includes(o.toLowerCase()));
    if (missing.length > 0) {
        findings.push({
            code: "owner-missing", severity: "error",
            message: `Configured owner${missing.length > 1 ? "s" : ""} no longer owning the application: ${missing.join(", ")}. ` +
                "A deployer with Application.ReadWrite.OwnedBy that is not an owner fails with 403 on its next pulumi up.",
            fix: `An owner or administrator adds ${missing.length > 1 ? "them" : "it"} back: ` +
                missing.map((o) => `az ad app owner add --id ${expected.clientId} --owner-object-id ${o}`).join("; "),
        });
    }
}

/**
 * How long after `nextRotationAt` a rotation may still be pending without a finding: a daily scheduled
 * `pulumi up` comes within a day, and a doctor run between the rotation instant and that run is no alarm.
 */
const ROTATION_GRACE_DAYS = 1;

/**
 * A rotation that is due and has not happened, from the outputs alone: every `pulumi up` at or after
 * `nextRotationAt` rotates and records a later one, so outputs whose `nextRotationAt` has passed were left
 * by a run before it, and none has run since. Rotation happens only inside `pulumi up`.
 */
function checkRotationSchedule(expected: StackOutputs, options: CheckOptions, findings: Finding[]): void {
    const dueAt = Date.parse(expected.nextRotationAt);
    const lateDays = (options.now.getTime() - dueAt) / DAY_MS;
    if (Number.isNaN(dueAt) || lateDays <= ROTATION_GRACE_DAYS) {
        return;
    }
    // The schedule, from NocoBase's secret: made for the window that starts at windowStart, rotated one period
    // later, valid for the lifetime from windowStart. The slack (lifetime - 2 x period) is how late a run may come.
    const windowStart = expected.nocobaseSecretWindowStart === undefined ? Number.NaN : Date.parse(expected.nocobaseSecretWindowStart);
    const periodDays = (dueAt - windowStart) / DAY_MS;
    const slackDays = (Date.parse(expected.clientSecretExpiresAt) - windowStart) / DAY_MS - 2 * periodDays;
    const beyondSlack = Number.isFinite(slackDays) && lateDays > slackDays;
    const late = `${Math.floor(lateDays)} day${Math.floor(lateDays) === 1 ? "" : "s"}`;
    findings.push({
        code: "rotation-missed", severity: beyondSlack ? "error" : "warning",
        message: `The stack's rotation was due at ${expected.nextRotationAt} (nextRotationAt), ${late} ago, and no pulumi up has run since: ` +
            "the client secret rotates only inside pulumi up. " +
            (beyondSlack
                ? `That is beyond the schedule's slack of ${Math.round(slackDays)} days, so the secret NocoBase leaves at the rotation stays valid ` +
                  `less than a rotation period (${Math.round(periodDays)} days) after it. `
                : "") +
            `NocoBase's secret (key ID ${expected.clientSecretKeyId}) expires on ${expected.clientSecretExpiresAt}.`,
        fix: `Run ${pulumiUp(expected)} now, and run it on a schedule` +
            (Number.isFinite(slackDays) ? ` at least every ${Math.round(slackDays)} days` : "") +
            " (examples/github-actions/deploy.yml runs it daily).",
    });
}

/** All findings for one environment. */
export function checkRegistration(expected: StackOutputs, live: LiveRegistration, options: CheckOptions): Finding[] {
    const app = live.application;
    if (!app) {
        return [{
            code: "registration-missing", severity: "error",
            message: `Application object ${expected.applicationObjectId} (client ID ${expected.clientId}) does not exist in tenant ${expected.tenantId}.`,
            fix: `If it was deleted less than 30 days ago, restore it (Entra admin center > App registrations > Deleted applications); ` +
                `otherwise run ${pulumiUp(expected)} to register it again and hand the new client ID to NocoBase.`,
        }];
    }
    const findings: Finding[] = [];
    if (app.appId !== expected.clientId) {
        findings.push({
            code: "client-id-mismatch", severity: "error",
            message: `Application object ${app.id} has client ID ${app.appId}, the stack outputs say ${expected.clientId}.`,
            fix: "Check that the outputs file belongs to this environment, then run " +
                `pulumi stack output --json --show-secrets --stack ${expected.environment} again.`,
        });
    }
    checkRedirectUris(expected, app.redirectUris, findings);
    checkDelegatedPermissions(expected, live, findings);
    checkAudience(expected, live, findings);
    checkSecrets(expected, live, options, findings);
    checkServicePrincipalAndConsent(expected, live, findings);
    checkOwners(expected, live, findings);
    checkRotationSchedule(expected, options, findings);
    return findings;
}
