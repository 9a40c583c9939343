/**
 * Reads what Microsoft Entra holds for one environment, in at most four Graph calls: the application,
 * its service principal, and (when the stack grants admin consent) Microsoft Graph's service principal,
 * shared by all environments of a tenant, and the tenant-wide grants of the application.
 */
import { MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";
import type { GraphClient } from "../../microsoft/graph-client";
import { needingPermission, READ_APPLICATIONS_PERMISSION, READ_GRANTS_PERMISSION } from "../../microsoft/service-error";
import type { StackOutputs } from "../stack-outputs";

interface LivePasswordCredential {
    readonly keyId: string;
    readonly displayName: string | null;
    readonly startDateTime?: string;
    readonly endDateTime: string;
}

interface LiveResourceAccess {
    readonly resourceAppId: string;
    readonly resourceAccess: ReadonlyArray<{ readonly id: string; readonly type: string }>;
}

interface LiveApplication {
    readonly id: string;
    readonly appId: string;
    readonly displayName: string;
    readonly signInAudience: string;
    /** When the application was created; app-management restrictions may cover only applications created after a date. */
    readonly createdDateTime: string | undefined;
    readonly requestedAccessTokenVersion: number | null;
    readonly redirectUris: readonly string[];
    readonly requiredResourceAccess: readonly LiveResourceAccess[];
    readonly passwordCredentials: readonly LivePasswordCredential[];
}

export interface LiveRegistration {
    /** Undefined when Graph answers 404 (after waiting out replication delay). */
    readonly application: LiveApplication | undefined;
    readonly servicePrincipalId: string | undefined;
    /** Scopes of the tenant-wide grant to Microsoft Graph; undefined when not read (no admin consent expected). */
    readonly adminConsentScopes: readonly string[] | undefined;
    /** Object IDs of the application's owners; undefined when not read (the stack configures no owners). */
    readonly ownerIds?: readonly string[];
}

interface GraphApplication {
    id: string;
    appId: string;
    displayName: string;
    signInAudience: string;
    createdDateTime?: string;
    api?: { requestedAccessTokenVersion?: number | null };
    web?: { redirectUris?: string[] };
    requiredResourceAccess?: LiveResourceAccess[];
    passwordCredentials?: LivePasswordCredential[];
}

const APPLICATION_FIELDS = "id,appId,displayName,signInAudience,createdDateTime,api,web,requiredResourceAccess,passwordCredentials";

/** Microsoft Graph's service principal id per tenant, looked up once per run. */
export class GraphServicePrincipalCache {
    private readonly ids = new Map<string, Promise<string | undefined>>();

    get(tenantId: string, graph: GraphClient): Promise<string | undefined> {
        let id = this.ids.get(tenantId);
        if (!id) {
            id = needingPermission(graph.list<{ id: string }>("/servicePrincipals", {
                operation: `find Microsoft Graph's service principal in tenant ${tenantId}`,
                query: { $filter: `appId eq '${MICROSOFT_GRAPH_APP_ID}'`, $select: "id" },
            }), READ_APPLICATIONS_PERMISSION).then((found) => found[0]?.id);
            // A failed lookup must not poison the other environments of the tenant.
            id.catch(() => this.ids.delete(tenantId));
            this.ids.set(tenantId, id);
        }
        return id;
    }
}

export async function readLiveRegistration(graph: GraphClient, expected: StackOutputs,
    graphServicePrincipals: GraphServicePrincipalCache): Promise<LiveRegistration> {
    const stack = `stack ${expected.environment}`;
    const app = await needingPermission(graph.get<GraphApplication>(`/applications/${encodeURIComponent(expected.applicationObjectId)}`, {
        operation: `read application ${expected.applicationObjectId} of ${stack}`,
        query: { $select: APPLICATION_FIELDS },
        // Right after pulumi up the application may not have replicated yet; 404 after that means missing.
        transient: { notFound: true },
        accept: [404],
    }), READ_APPLICATIONS_PERMISSION);
    if (app.status === 404 || !app.body) {
        return { application: undefined, servicePrincipalId: undefined, adminConsentScopes: undefined };
    }
    const application: LiveApplication = {
        id: app.body.id,
        appId: app.body.appId,
        displayName: app.body.displayName,
        signInAudience: app.body.signInAudience,
        createdDateTime: app.body.createdDateTime,
        requestedAccessTokenVersion: app.body.api?.requestedAccessTokenVersion ?? null,
        redirectUris: app.body.web?.redirectUris ?? [],
        requiredResourceAccess: app.body.requiredResourceAccess ?? [],
        passwordCredentials: (app.body.passwordCredentials ?? []).map((p) => ({
            keyId: p.keyId, displayName: p.displayName ?? null, startDateTime: p.startDateTime, endDateTime: p.endDateTime,
        })),
    };
    // Read only for stacks that name owners: they are what a deployer's ownership depends on.
    const ownerIds = (expected.owners ?? []).length === 0 ? undefined
        : (await graph.list<{ id: string }>(`/applications/${encodeURIComponent(expected.applicationObjectId)}/owners`, {
            operation: `read the owners of application ${expected.applicationObjectId} of ${stack}`, query: { $select: "id" },
        })).map((o) => o.id.toLowerCase());
    const servicePrincipals = await needingPermission(graph.list<{ id: string }>("/servicePrincipals", {
        operation: `find the service principal of ${stack}`,
        query: { $filter: `appId eq '${application.appId}'`, $select: "id,appId" },
    }), READ_APPLICATIONS_PERMISSION);
    const servicePrincipalId = servicePrincipals[0]?.id;
    if (!expected.adminConsent || servicePrincipalId === undefined) {
        return { application, servicePrincipalId, adminConsentScopes: undefined, ownerIds };
    }
    const graphServicePrincipalId = await graphServicePrincipals.get(expected.tenantId, graph);
    const grants = await needingPermission(graph.list<{ resourceId: string; scope: string | null }>("/oauth2PermissionGrants", {
        operation: `read the admin consent of ${stack}`,
        query: { $filter: `clientId eq '${servicePrincipalId}' and consentType eq 'AllPrincipals'` },
    }), READ_GRANTS_PERMISSION);
    const scopes = grants.filter((g) => g.resourceId === graphServicePrincipalId)
        .flatMap((g) => (g.scope ?? "").split(" ").filter((s) => s !== ""));
    return { application, servicePrincipalId, adminConsentScopes: scopes, ownerIds };
}
