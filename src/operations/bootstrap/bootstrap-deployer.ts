/**
 * Creates or completes the CI deployer identity in Microsoft Entra, idempotently: every step reads first
 * and writes only what is missing or different, so a second run makes no change and a run interrupted
 * half-way is completed by the next one. Replication delay after each create is waited out.
 */
import { MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";
import type { GraphClient } from "../../microsoft/graph-client";
import { readServicePrincipalByAppId } from "../../microsoft/directory-reader";
import { DELEGATED_PERMISSION_GRANT_READWRITE_ALL, POLICY_READ_ALL } from "../../microsoft/permission-names";
import {
    deployerUniqueName, federatedCredentialFor, requiredGraphAppRoles, type BootstrapArguments, type FederatedCredentialSpec,
} from "./deployer-permissions";

type StepAction = "created" | "updated" | "unchanged" | "granted";

interface BootstrapStep {
    readonly subject: string;
    readonly action: StepAction;
}

interface BootstrapResult {
    readonly clientId: string;
    readonly tenantId: string;
    readonly applicationObjectId: string;
    readonly servicePrincipalObjectId: string;
    readonly steps: readonly BootstrapStep[];
    readonly notes: readonly string[];
}

interface DeployerApplication {
    id: string;
    appId: string;
    displayName: string;
    signInAudience: string;
    requiredResourceAccess?: Array<{ resourceAppId: string; resourceAccess: Array<{ id: string; type: string }> }>;
}

/** Graph's 400 for a service principal created before its new application has replicated. */
function noBackingApplication(status: number, _code: string, message: string): boolean {
    return status === 400 && message.includes("does not reference a valid application object");
}

function sameAccess(a: DeployerApplication["requiredResourceAccess"], b: DeployerApplication["requiredResourceAccess"]): boolean {
    const key = (list: DeployerApplication["requiredResourceAccess"]): string =>
        (list ?? []).flatMap((r) => r.resourceAccess.map((x) => `${r.resourceAppId}/${x.type}/${x.id}`)).sort().join(",");
    return key(a) === key(b);
}

async function ensureApplication(graph: GraphClient, args: BootstrapArguments, steps: BootstrapStep[]): Promise<DeployerApplication> {
    const uniqueName = deployerUniqueName(args.owner, args.repo);
    const path = `/applications(uniqueName='${uniqueName}')`;
    const desired = {
        displayName: args.displayName,
        signInAudience: "AzureADMyOrg",
        // Shown in the portal as the deployer's configured permissions; the grant itself is the app role assignment.
        requiredResourceAccess: [{
            resourceAppId: MICROSOFT_GRAPH_APP_ID,
            resourceAccess: requiredGraphAppRoles(args.adminConsent, args.readPolicies).map((r) => ({ id: r.id, type: "Role" })),
        }],
    };
    const select = { $select: "id,appId,displayName,signInAudience,requiredResourceAccess" };
    const existing = await graph.get<DeployerApplication>(path, { operation: `read the deployer application ${uniqueName}`, query: select, accept: [404] });
    if (existing.body) {
        const app = existing.body;
        if (app.displayName === desired.displayName && app.signInAudience === desired.signInAudience
            && sameAccess(app.requiredResourceAccess, desired.requiredResourceAccess)) {
            steps.push({ subject: `application ${uniqueName}`, action: "unchanged" });
            return app;
        }
        await graph.patch(`/applications/${app.id}`, desired, { operation: `update the deployer application ${uniqueName}` });
        steps.push({ subject: `application ${uniqueName}`, action: "updated" });
        return app;
    }
    // Upsert by alternate key: even if an earlier run's create has not replicated yet, no duplicate is made.
    const upsert = await graph.patch<DeployerApplication>(path, desired, {
        operation: `create the deployer application ${uniqueName}`,
        headers: { Prefer: "create-if-missing" },
        // Graph documents a transient 409 while a new application is being provisioned.
        transient: { isReplication: (status, code) => status === 409 && code === "Error_MsaAppDoesNotExist" },
    });
    if (upsert.status === 201 && upsert.body) {
        steps.push({ subject: `application ${uniqueName}`, action: "created" });
        return upsert.body;
    }
    steps.push({ subject: `application ${uniqueName}`, action: "updated" });
    const created = await graph.get<DeployerApplication>(path, { operation: `read the deployer application ${uniqueName}`, query: select, transient: { notFound: true } });
    if (!created.body) {
        throw new Error(`Microsoft Graph returned no body for ${path}.`);
    }
    return created.body;
}

async function ensureServicePrincipal(graph: GraphClient, app: DeployerApplication, steps: BootstrapStep[]): Promise<string> {
    const operation = `read the deployer's service principal (appId ${app.appId})`;
    const existing = await readServicePrincipalByAppId<{ id: string }>(graph, app.appId, { operation, select: "id" });
    if (existing) {
        steps.push({ subject: "service principal", action: "unchanged" });
        return existing.id;
    }
    const created = await graph.post<{ id: string }>("/servicePrincipals", { appId: app.appId }, {
        operation: `create the deployer's service principal (appId ${app.appId})`,
        transient: { isReplication: noBackingApplication },
        // Exists already but was not yet visible to the read above.
        accept: [409],
    });
    steps.push({ subject: "service principal", action: created.status === 409 ? "unchanged" : "created" });
    if (created.body) {
        return created.body.id;
    }
    const again = await readServicePrincipalByAppId<{ id: string }>(graph, app.appId, { operation, select: "id", waitForReplication: true });
    if (!again) {
        throw new Error(`Microsoft Graph still has no service principal for appId ${app.appId} after creating it; run again.`);
    }
    return again.id;
}

async function ensureFederatedCredentials(graph: GraphClient, app: DeployerApplication, specs: readonly FederatedCredentialSpec[],
    steps: BootstrapStep[]): Promise<void> {
    const path = `/applications/${app.id}/federatedIdentityCredentials`;
    const existing = await graph.list<FederatedCredentialSpec & { id: string }>(path, {
        operation: "list the deployer's federated identity credentials", transient: { notFound: true },
    });
    for (const spec of specs) {
        const same = existing.find((f) => f.issuer === spec.issuer && f.subject === spec.subject);
        if (same) {
            if (same.audiences.length !== 1 || same.audiences[0] !== spec.audiences[0]) {
                throw new Error(`Federated credential ${same.name} for ${spec.subject} has audiences ${same.audiences.join(", ")}; ` +
                    `GitHub's token exchange needs exactly ${spec.audiences[0]}. Delete it in the Entra admin center and run again.`);
            }
            steps.push({ subject: `federated credential ${spec.subject}`, action: "unchanged" });
            continue;
        }
        await graph.post(path, spec, { operation: `add the federated credential ${spec.subject}`, transient: { notFound: true } });
        steps.push({ subject: `federated credential ${spec.subject}`, action: "created" });
    }
}

async function ensureAppRoles(graph: GraphClient, deployerSpId: string, args: BootstrapArguments, steps: BootstrapStep[], notes: string[]): Promise<void> {
    const graphSp = await readServicePrincipalByAppId<{ id: string; appRoles: Array<{ id: string; value: string }> }>(
        graph, MICROSOFT_GRAPH_APP_ID, { operation: "read Microsoft Graph's service principal", select: "id,appRoles" });
    if (!graphSp) {
        throw new Error(`This tenant has no service principal for Microsoft Graph (appId ${MICROSOFT_GRAPH_APP_ID}); ` +
            "the deployer's permissions cannot be granted. Report this with the tenant's cloud.");
    }
    const assignments = await graph.list<{ appRoleId: string; resourceId: string }>(`/servicePrincipals/${deployerSpId}/appRoleAssignments`, {
        operation: "list the deployer's application permissions", transient: { notFound: true },
    });
    const held = new Set(assignments.filter((a) => a.resourceId === graphSp.id).map((a) => a.appRoleId));
    for (const role of requiredGraphAppRoles(args.adminConsent, args.readPolicies)) {
        const live = graphSp.appRoles.find((r) => r.value === role.value);
        if (!live || live.id !== role.id) {
            throw new Error(`Microsoft Graph in this tenant publishes ${role.value} as ${live?.id ?? "nothing"}, expected ${role.id}; ` +
                "refusing to assign an unverified permission. Report this with the tenant's cloud (national clouds may differ).");
        }
        if (held.has(role.id)) {
            steps.push({ subject: `Graph permission ${role.value}`, action: "unchanged" });
            continue;
        }
        await graph.post(`/servicePrincipals/${deployerSpId}/appRoleAssignments`,
            { principalId: deployerSpId, resourceId: graphSp.id, appRoleId: role.id },
            { operation: `grant ${role.value} to the deployer`, transient: { notFound: true } });
        steps.push({ subject: `Graph permission ${role.value}`, action: "granted" });
    }
    if (!args.adminConsent && held.has(DELEGATED_PERMISSION_GRANT_READWRITE_ALL.id)) {
        notes.push(`The deployer still holds ${DELEGATED_PERMISSION_GRANT_READWRITE_ALL.value} from an earlier --admin-consent run. ` +
            "It is not removed automatically; remove it in Entra admin center > Enterprise applications > the deployer > Permissions " +
            "if no stack grants admin consent any more.");
    }
    if (!args.readPolicies) {
        notes.push(held.has(POLICY_READ_ALL.id)
            ? `The deployer still holds ${POLICY_READ_ALL.value} from an earlier --read-policies run; it is not removed automatically ` +
              "(it only reads), and the doctor keeps reading the tenant's app-management policies with it."
            : `The deployer may not read the tenant's app-management policies (${POLICY_READ_ALL.value}, optional): the doctor in CI then notes ` +
              "that it could not read them, and cannot warn before Microsoft refuses a secret whose lifetime exceeds the tenant's cap, " +
              "blocked secrets or a blocked audience. Run again with --read-policies to grant it.");
    }
}

export async function bootstrapDeployer(graph: GraphClient, args: BootstrapArguments): Promise<BootstrapResult> {
    const steps: BootstrapStep[] = [];
    const notes: string[] = [];
    const app = await ensureApplication(graph, args, steps);
    const servicePrincipalId = await ensureServicePrincipal(graph, app, steps);
    await ensureFederatedCredentials(graph, app, args.environments.map((e) => federatedCredentialFor(args.owner, args.repo, e)), steps);
    await ensureAppRoles(graph, servicePrincipalId, args, steps, notes);
    return {
        clientId: app.appId, tenantId: args.tenantId, applicationObjectId: app.id, servicePrincipalObjectId: servicePrincipalId, steps, notes,
    };
}

/** What CI needs, as lines to paste into GitHub environment variables. None of them is a secret. */
export function renderBootstrapResult(result: BootstrapResult, args: BootstrapArguments, ownerLines: readonly string[] = []): string {
    const lines = result.steps.map((s) => `${s.action.padEnd(10)} ${s.subject}`);
    lines.push("", ...result.notes.map((n) => `Note: ${n}`), ...(result.notes.length > 0 ? [""] : []));
    lines.push(`Set these as variables of the GitHub environment${args.environments.length > 1 ? "s" : ""} ` +
        `${args.environments.join(", ")} in ${args.owner}/${args.repo} (none is a secret; no secret was created):`);
    lines.push(`ARM_CLIENT_ID=${result.clientId}`, `ARM_TENANT_ID=${result.tenantId}`, "ARM_USE_OIDC=true");
    if (ownerLines.length > 0) {
        lines.push("", "Keep the deployer an owner of each stack's application, whoever runs pulumi up (a person's run " +
            "would otherwise remove it):", ...ownerLines);
    }
    return lines.join("\n") + "\n";
}
