/**
 * Renders what a program run registered as a readable offline plan. Never prints a secret value: the
 * client secret is described by its schedule only.
 */
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../microsoft-graph";
import { DAY_MS } from "../secret-rotation";
import { ProgramRun } from "./program-runner";
import { DYNAMIC_RESOURCE_PREFIX, MOCK_DEPLOYER, Registration } from "./recording-mocks";

interface ResourceAccess { readonly id: string; readonly type: string }
interface RequiredResourceAccess { readonly resourceAppId: string; readonly resourceAccesses: ResourceAccess[] }

function find(run: ProgramRun, suffix: string): Registration | undefined {
    return run.registrations.find((r) => r.type.endsWith(suffix));
}

function field(label: string, value: string): string {
    return `  ${label.padEnd(20)}${value}`;
}

export function renderPlan(stack: string, now: Date, run: ProgramRun): string {
    const lines: string[] = [];
    const out = run.outputs;
    lines.push(`OFFLINE PLAN for stack "${stack}" - evaluated under Pulumi mocks; nothing was contacted or changed.`);
    lines.push(`Same program as \`pulumi up\` (index.ts), evaluated as of ${now.toISOString()}.`);
    lines.push("Values Entra assigns at creation (IDs, the secret itself) are not known offline and are not shown.");
    lines.push("");

    const app = find(run, "/application:Application");
    if (app !== undefined) {
        const inputs = app.inputs;
        const web = inputs.web as { redirectUris?: string[] } | undefined;
        const api = inputs.api as { requestedAccessTokenVersion?: number } | undefined;
        lines.push(`Application registration  (${app.type}, "${app.name}")`);
        if (app.importId !== undefined) {
            lines.push(field("adopts", `existing registration ${app.importId} (imported, not created)`));
        }
        lines.push(field("display name", String(inputs.displayName)));
        lines.push(field("sign-in audience", `${String(inputs.signInAudience)}, access tokens v${api?.requestedAccessTokenVersion ?? 1}`));
        const uris = web?.redirectUris ?? [];
        lines.push(field("redirect URIs (web)", uris[0] ?? "(none)"));
        for (const uri of uris.slice(1)) {
            lines.push(field("", uri));
        }
        for (const [label, platform] of [["redirect URIs (spa)", inputs.singlePageApplication], ["redirect URIs (app)", inputs.publicClient]] as const) {
            const kept = (platform as { redirectUris?: string[] } | undefined)?.redirectUris ?? [];
            kept.forEach((uri, i) => lines.push(field(i === 0 ? label : "", uri)));
        }
        const access = (inputs.requiredResourceAccesses as RequiredResourceAccess[] | undefined) ?? [];
        for (const resource of access) {
            const resourceName = resource.resourceAppId === MICROSOFT_GRAPH_APP_ID ? "Microsoft Graph" : resource.resourceAppId;
            lines.push(field("permissions", `${resourceName} (${resource.resourceAppId}), delegated:`));
            for (const grant of resource.resourceAccesses) {
                const name = MAIL_DELEGATED_SCOPES.find((s) => s.id === grant.id)?.name ?? "(unknown)";
                lines.push(field("", `${name.padEnd(24)}${grant.id}  ${grant.type}`));
            }
        }
        const owners = (inputs.owners as string[] | undefined) ?? [];
        lines.push(field("owners", owners.map((o) => (o === MOCK_DEPLOYER.objectId ? "the deploying identity" : o)).join(", ")));
        lines.push("");
    }

    const sp = find(run, "/servicePrincipal:ServicePrincipal");
    lines.push(`Service principal         ${sp === undefined ? "(none)" : `("${sp.name}") for the application`}`);
    const grant = find(run, "/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant");
    lines.push(grant === undefined
        ? "Admin consent             not granted (grantAdminConsent false): each user consents at first sign-in"
        : `Admin consent             tenant-wide grant ("${grant.name}") of: ${(grant.inputs.claimValues as string[]).join(" ")}` +
          (grant.importId === undefined ? "" : `, adopting ${grant.importId}`));
    lines.push("");

    const secret = find(run, "/applicationPassword:ApplicationPassword");
    if (secret !== undefined) {
        const triggers = secret.inputs.rotateWhenChanged as Record<string, string>;
        const expires = new Date(String(secret.inputs.endDate));
        const next = new Date(String(out.nextRotationAt));
        const minDays = Math.round((expires.getTime() - next.getTime()) / DAY_MS);
        lines.push(`Client secret             ("${secret.name}", described "${String(secret.inputs.displayName)}")`);
        lines.push(field("rotation window", `${triggers.rotationWindowStart} until ${String(out.nextRotationAt)}, generation ${triggers.generation}`));
        lines.push(field("expires", String(secret.inputs.endDate)));
        lines.push(field("next rotation", `first \`pulumi up\` at or after ${String(out.nextRotationAt)}`));
        lines.push(field("always valid for", `at least ${minDays} more days (lifetime minus rotation period)`));
        lines.push(field("stack output", `clientSecret is ${run.secretOutputs.includes("clientSecret") ? "a secret (encrypted in state)" : "NOT SECRET"}`));
        lines.push("");
    }

    const handover = run.registrations.find((r) => r.type.startsWith(DYNAMIC_RESOURCE_PREFIX));
    lines.push(handover === undefined
        ? `NocoBase hand-over        not configured (nocobaseApiToken unset): copy the outputs by hand or with ` +
          `npm run push-to-nocobase; variables ${String(out.nocobaseClientIdVariable)} and ${String(out.nocobaseClientSecretVariable)}`
        : `NocoBase hand-over        writes ${String(out.nocobaseClientIdVariable)} (plain) and ` +
          `${String(out.nocobaseClientSecretVariable)} (secret) through ${String(out.nocobaseApiUrl)}`);
    lines.push("");
    lines.push(`Resources (${run.registrations.length}):`);
    for (const r of run.registrations) {
        lines.push(`  + ${r.type}  ${r.name}`);
    }
    return lines.join("\n");
}
