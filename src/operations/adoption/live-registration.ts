/**
 * Everything the adoption preflight compares, read from Microsoft Graph in at most five calls: the
 * application (every redirect platform, permissions, `api`, secrets' metadata), its owners, its service
 * principal, a tenant-wide consent grant to Microsoft Graph, and Graph's permission names. Secret values
 * are never returned by Graph; the secrets' `hint` (their first characters) is not even requested.
 */
import { MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";
import type { GraphClient } from "../../microsoft/graph-client";
import { needingPermission, READ_APPLICATIONS_PERMISSION, READ_GRANTS_PERMISSION } from "../../microsoft/service-error";
import type { ApiPermission } from "../../registration/kept-settings";

interface LiveOwner {
    readonly id: string;
    readonly displayName: string;
    /** "user", "servicePrincipal", or Graph's type name for anything else. */
    readonly kind: string;
}

interface LiveSecret {
    readonly keyId: string;
    readonly displayName: string | null;
    readonly endDateTime: string;
}

interface LiveApiSettings {
    readonly requestedAccessTokenVersion: number | null;
    readonly oauth2PermissionScopes: number;
    readonly knownClientApplications: number;
    readonly preAuthorizedApplications: number;
}

export interface AdoptionSnapshot {
    readonly objectId: string;
    readonly appId: string;
    readonly displayName: string;
    readonly signInAudience: string;
    /** When the application was created; app-management restrictions may cover only applications created after a date. */
    readonly createdDateTime: string | undefined;
    readonly api: LiveApiSettings;
    readonly identifierUris: readonly string[];
    readonly appRoles: number;
    readonly redirectUris: { readonly web: readonly string[]; readonly spa: readonly string[]; readonly publicClient: readonly string[] };
    readonly permissions: readonly ApiPermission[];
    readonly secrets: readonly LiveSecret[];
    readonly owners: readonly LiveOwner[];
    readonly servicePrincipalId: string | undefined;
    /** The tenant-wide (AllPrincipals) grant of the application to Microsoft Graph. */
    readonly adminConsentGrant: { readonly id: string; readonly scopes: readonly string[] } | undefined;
    /** Microsoft Graph's permission names by `<Scope|Role>/<id>`. */
    readonly graphPermissionNames: ReadonlyMap<string, string>;
}

interface GraphApplicationBody {
    id: string;
    appId: string;
    displayName: string;
    signInAudience: string;
    createdDateTime?: string;
    api?: {
        requestedAccessTokenVersion?: number | null;
        oauth2PermissionScopes?: unknown[];
        knownClientApplications?: unknown[];
        preAuthorizedApplications?: unknown[];
    } | null;
    identifierUris?: string[];
    appRoles?: unknown[];
    web?: { redirectUris?: string[] } | null;
    spa?: { redirectUris?: string[] } | null;
    publicClient?: { redirectUris?: string[] } | null;
    requiredResourceAccess?: Array<{ resourceAppId: string; resourceAccess: Array<{ id: string; type: string }> }>;
    passwordCredentials?: Array<{ keyId: string; displayName?: string | null; endDateTime: string }>;
}

const APPLICATION_FIELDS = "id,appId,displayName,signInAudience,createdDateTime,api,identifierUris,appRoles,web,spa,publicClient," +
    "requiredResourceAccess,passwordCredentials";

/** Reads the registration; undefined when Graph has no application with this object ID. */
export async function readAdoptionSnapshot(graph: GraphClient, objectId: string): Promise<AdoptionSnapshot | undefined> {
    const path = `/applications/${encodeURIComponent(objectId)}`;
    const app = await needingPermission(graph.get<GraphApplicationBody>(path, {
        operation: `read application ${objectId}`, query: { $select: APPLICATION_FIELDS }, accept: [404],
    }), READ_APPLICATIONS_PERMISSION);
    if (app.status === 404 || app.body === undefined) {
        return undefined;
    }
    const body = app.body;
    const owners = await needingPermission(graph.list<{ "@odata.type"?: string; id: string; displayName?: string | null }>(`${path}/owners`, {
        operation: `read the owners of application ${objectId}`, query: { $select: "id,displayName" },
    }), READ_APPLICATIONS_PERMISSION);
    const servicePrincipals = await needingPermission(graph.list<{ id: string }>("/servicePrincipals", {
        operation: `find the service principal of application ${objectId}`,
        query: { $filter: `appId eq '${body.appId}'`, $select: "id" },
    }), READ_APPLICATIONS_PERMISSION);
    const servicePrincipalId = servicePrincipals[0]?.id;
    const graphServicePrincipals = await needingPermission(graph.list<{ id: string; oauth2PermissionScopes?: Array<{ id: string; value: string }>; appRoles?: Array<{ id: string; value: string }> }>(
        "/servicePrincipals", {
            operation: "read Microsoft Graph's permission names",
            query: { $filter: `appId eq '${MICROSOFT_GRAPH_APP_ID}'`, $select: "id,oauth2PermissionScopes,appRoles" },
        }), READ_APPLICATIONS_PERMISSION);
    const graphSp = graphServicePrincipals[0];
    let adminConsentGrant: AdoptionSnapshot["adminConsentGrant"];
    if (servicePrincipalId !== undefined && graphSp !== undefined) {
        const grants = await needingPermission(graph.list<{ id: string; resourceId: string; scope: string | null }>("/oauth2PermissionGrants", {
            operation: `read the tenant-wide consent of application ${objectId}`,
            query: { $filter: `clientId eq '${servicePrincipalId}' and consentType eq 'AllPrincipals'` },
        }), READ_GRANTS_PERMISSION);
        const grant = grants.find((g) => g.resourceId === graphSp.id);
        adminConsentGrant = grant === undefined ? undefined
            : { id: grant.id, scopes: (grant.scope ?? "").split(" ").filter((s) => s !== "") };
    }
    const graphPermissionNames = new Map<string, string>([
        ...(graphSp?.oauth2PermissionScopes ?? []).map((s): [string, string] => [`Scope/${s.id}`, s.value]),
        ...(graphSp?.appRoles ?? []).map((r): [string, string] => [`Role/${r.id}`, r.value]),
    ]);
    return {
        objectId: body.id,
        appId: body.appId,
        displayName: body.displayName,
        signInAudience: body.signInAudience,
        createdDateTime: body.createdDateTime,
        api: {
            requestedAccessTokenVersion: body.api?.requestedAccessTokenVersion ?? null,
            oauth2PermissionScopes: body.api?.oauth2PermissionScopes?.length ?? 0,
            knownClientApplications: body.api?.knownClientApplications?.length ?? 0,
            preAuthorizedApplications: body.api?.preAuthorizedApplications?.length ?? 0,
        },
        identifierUris: body.identifierUris ?? [],
        appRoles: body.appRoles?.length ?? 0,
        redirectUris: {
            web: body.web?.redirectUris ?? [],
            spa: body.spa?.redirectUris ?? [],
            publicClient: body.publicClient?.redirectUris ?? [],
        },
        permissions: (body.requiredResourceAccess ?? []).flatMap((r) => r.resourceAccess
            .filter((a) => a.type === "Scope" || a.type === "Role")
            .map((a) => ({ resourceAppId: r.resourceAppId.toLowerCase(), type: a.type as "Scope" | "Role", id: a.id.toLowerCase() }))),
        secrets: (body.passwordCredentials ?? []).map((p) => ({ keyId: p.keyId, displayName: p.displayName ?? null, endDateTime: p.endDateTime })),
        owners: owners.map((o) => ({
            id: o.id.toLowerCase(),
            displayName: o.displayName ?? "",
            kind: (o["@odata.type"] ?? "#microsoft.graph.directoryObject").replace("#microsoft.graph.", ""),
        })),
        servicePrincipalId,
        adminConsentGrant,
        graphPermissionNames,
    };
}
