/**
 * Everything the adoption preflight compares, read from Microsoft Graph in at most five calls: the
 * application (every redirect platform, permissions, `api`, secrets' metadata), its owners, its service
 * principal, a tenant-wide consent grant to Microsoft Graph, and Graph's permission names, through the
 * directory reader the doctor shares (src/microsoft/directory-reader.ts). Secret values are never returned
 * by Graph; the secrets' `hint` (their first characters) is not even requested.
 */
import type { GraphClient } from "../../microsoft/graph-client";
import {
    readApplication, readGraphServicePrincipal, readOwners, readServicePrincipalByAppId, readTenantWideGrants, type DirectoryOwner,
} from "../../microsoft/directory-reader";
import type { PermissionNames } from "../../microsoft/permission-names";
import type { ApiPermission } from "../../registration/kept-settings";

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
    readonly owners: readonly DirectoryOwner[];
    readonly servicePrincipalId: string | undefined;
    /** The tenant-wide (AllPrincipals) grant of the application to Microsoft Graph. */
    readonly adminConsentGrant: { readonly id: string; readonly scopes: readonly string[] } | undefined;
    /** Microsoft Graph's permission names as the tenant publishes them; undefined when it has no Graph service principal. */
    readonly graphPermissionNames: PermissionNames | undefined;
}

const APPLICATION_FIELDS = "id,appId,displayName,signInAudience,createdDateTime,api,identifierUris,appRoles,web,spa,publicClient," +
    "requiredResourceAccess,passwordCredentials";

/** Reads the registration; undefined when Graph has no application with this object ID. */
export async function readAdoptionSnapshot(graph: GraphClient, objectId: string): Promise<AdoptionSnapshot | undefined> {
    const body = await readApplication(graph, objectId, { operation: `read application ${objectId}`, fields: APPLICATION_FIELDS });
    if (body === undefined) {
        return undefined;
    }
    const owners = await readOwners(graph, objectId, `read the owners of application ${objectId}`);
    const servicePrincipalId = (await readServicePrincipalByAppId<{ id: string }>(graph, body.appId, {
        operation: `find the service principal of application ${objectId}`, select: "id",
    }))?.id;
    const graphSp = await readGraphServicePrincipal(graph, "read Microsoft Graph's permission names");
    let adminConsentGrant: AdoptionSnapshot["adminConsentGrant"];
    if (servicePrincipalId !== undefined && graphSp !== undefined) {
        const grants = await readTenantWideGrants(graph, servicePrincipalId, `read the tenant-wide consent of application ${objectId}`);
        const grant = grants.find((g) => g.resourceId === graphSp.id);
        adminConsentGrant = grant === undefined ? undefined : { id: grant.id, scopes: grant.scopes };
    }
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
        owners,
        servicePrincipalId,
        adminConsentGrant,
        graphPermissionNames: graphSp?.permissionNames,
    };
}
