/**
 * Reads what Microsoft Entra holds for one environment, in at most four Graph calls: the application,
 * its service principal, and (when the stack grants admin consent) Microsoft Graph's service principal,
 * shared by all environments of a tenant, and the tenant-wide grants of the application. The calls are
 * the directory reader's (src/microsoft/directory-reader.ts), which the adoption preflight shares.
 */
import type { GraphClient } from "../../microsoft/graph-client";
import {
    readApplication, readOwners, readServicePrincipalByAppId, readTenantWideGrants, type GraphResourceAccess, type GraphServicePrincipalCache,
} from "../../microsoft/directory-reader";
import type { PermissionNames } from "../../microsoft/permission-names";
import type { StackOutputs } from "../stack-outputs";

interface LivePasswordCredential {
    readonly keyId: string;
    readonly displayName: string | null;
    readonly startDateTime?: string;
    readonly endDateTime: string;
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
    readonly requiredResourceAccess: readonly GraphResourceAccess[];
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
    /** Microsoft Graph's permission names as the tenant publishes them; undefined when its service principal was not read. */
    readonly graphPermissionNames?: PermissionNames;
}

const APPLICATION_FIELDS = "id,appId,displayName,signInAudience,createdDateTime,api,web,requiredResourceAccess,passwordCredentials";

export async function readLiveRegistration(graph: GraphClient, expected: StackOutputs,
    graphServicePrincipals: GraphServicePrincipalCache): Promise<LiveRegistration> {
    const stack = `stack ${expected.environment}`;
    const body = await readApplication(graph, expected.applicationObjectId, {
        operation: `read application ${expected.applicationObjectId} of ${stack}`,
        fields: APPLICATION_FIELDS,
        // Right after pulumi up the application may not have replicated yet; 404 after that means missing.
        waitForReplication: true,
    });
    if (body === undefined) {
        return { application: undefined, servicePrincipalId: undefined, adminConsentScopes: undefined };
    }
    const application: LiveApplication = {
        id: body.id,
        appId: body.appId,
        displayName: body.displayName,
        signInAudience: body.signInAudience,
        createdDateTime: body.createdDateTime,
        requestedAccessTokenVersion: body.api?.requestedAccessTokenVersion ?? null,
        redirectUris: body.web?.redirectUris ?? [],
        requiredResourceAccess: body.requiredResourceAccess ?? [],
        passwordCredentials: (body.passwordCredentials ?? []).map((p) => ({
            keyId: p.keyId, displayName: p.displayName ?? null, startDateTime: p.startDateTime, endDateTime: p.endDateTime,
        })),
    };
    // Read only for stacks that name owners: they are what a deployer's ownership depends on.
    const ownerIds = (expected.owners ?? []).length === 0 ? undefined
        : (await readOwners(graph, expected.applicationObjectId, `read the owners of application ${expected.applicationObjectId} of ${stack}`))
            .map((o) => o.id);
    const servicePrincipalId = (await readServicePrincipalByAppId<{ id: string }>(graph, application.appId, {
        operation: `find the service principal of ${stack}`, select: "id",
    }))?.id;
    if (!expected.adminConsent || servicePrincipalId === undefined) {
        return { application, servicePrincipalId, adminConsentScopes: undefined, ownerIds };
    }
    const graphServicePrincipal = await graphServicePrincipals.get(expected.tenantId, graph);
    const grants = await readTenantWideGrants(graph, servicePrincipalId, `read the admin consent of ${stack}`);
    const scopes = grants.filter((g) => g.resourceId === graphServicePrincipal?.id).flatMap((g) => g.scopes);
    return { application, servicePrincipalId, adminConsentScopes: scopes, ownerIds, graphPermissionNames: graphServicePrincipal?.permissionNames };
}
