/**
 * The directory reads the doctor and the adoption preflight share, in Graph's own shapes: an application,
 * its owners, a service principal by client ID (the one lookup, the bootstrap's too), Microsoft Graph's
 * service principal (once per tenant) and the tenant-wide grants of a client. Each names its least Graph permission when Graph answers 403.
 * App-management policies are read beside these (app-management-policy.ts).
 */
import { MICROSOFT_GRAPH_APP_ID } from "../registration/graph-identifiers";
import type { GraphClient } from "./graph-client";
import type { PermissionNames } from "./permission-names";
import { needingPermission, READ_APPLICATIONS_PERMISSION, READ_GRANTS_PERMISSION } from "./service-error";

interface GraphRedirects {
    readonly redirectUris?: string[];
}

export interface GraphResourceAccess {
    readonly resourceAppId: string;
    readonly resourceAccess: ReadonlyArray<{ readonly id: string; readonly type: string }>;
}

export interface GraphPasswordCredential {
    readonly keyId: string;
    readonly displayName?: string | null;
    readonly startDateTime?: string;
    readonly endDateTime: string;
}

/** An application as Graph returns it; which properties are present depends on the `$select`. */
export interface GraphApplication {
    readonly id: string;
    readonly appId: string;
    readonly displayName: string;
    readonly signInAudience: string;
    readonly createdDateTime?: string;
    readonly api?: {
        readonly requestedAccessTokenVersion?: number | null;
        readonly oauth2PermissionScopes?: unknown[];
        readonly knownClientApplications?: unknown[];
        readonly preAuthorizedApplications?: unknown[];
    } | null;
    readonly identifierUris?: string[];
    readonly appRoles?: unknown[];
    readonly web?: GraphRedirects | null;
    readonly spa?: GraphRedirects | null;
    readonly publicClient?: GraphRedirects | null;
    readonly requiredResourceAccess?: GraphResourceAccess[];
    readonly passwordCredentials?: GraphPasswordCredential[];
}

interface ApplicationRead {
    readonly operation: string;
    /** Graph's `$select`: the properties the caller compares. */
    readonly fields: string;
    /** Wait out replication delay on 404 (an application a `pulumi up` made seconds ago). */
    readonly waitForReplication?: boolean;
}

/** The application by object ID; undefined when Graph has none. */
export async function readApplication(graph: GraphClient, objectId: string, read: ApplicationRead): Promise<GraphApplication | undefined> {
    const app = await needingPermission(graph.get<GraphApplication>(`/applications/${encodeURIComponent(objectId)}`, {
        operation: read.operation,
        query: { $select: read.fields },
        ...(read.waitForReplication === true ? { transient: { notFound: true } } : {}),
        accept: [404],
    }), READ_APPLICATIONS_PERMISSION);
    return app.status === 404 ? undefined : app.body;
}

export interface DirectoryOwner {
    readonly id: string;
    readonly displayName: string;
    /** "user", "servicePrincipal", or Graph's type name for anything else. */
    readonly kind: string;
}

/** The application's owners, object IDs in lower case. */
export async function readOwners(graph: GraphClient, objectId: string, operation: string): Promise<DirectoryOwner[]> {
    const owners = await needingPermission(graph.list<{ "@odata.type"?: string; id: string; displayName?: string | null }>(
        `/applications/${encodeURIComponent(objectId)}/owners`, { operation, query: { $select: "id,displayName" } }), READ_APPLICATIONS_PERMISSION);
    return owners.map((o) => ({
        id: o.id.toLowerCase(),
        displayName: o.displayName ?? "",
        kind: (o["@odata.type"] ?? "#microsoft.graph.directoryObject").replace("#microsoft.graph.", ""),
    }));
}

interface ServicePrincipalRead {
    readonly operation: string;
    /** Graph's `$select`. */
    readonly select: string;
    /** Wait out replication delay on 404 (a service principal created seconds ago). */
    readonly waitForReplication?: boolean;
}

/**
 * The service principal of a client ID, addressed by Graph's alternate key `servicePrincipals(appId='…')`;
 * undefined when the tenant has none (Graph answers 404 Request_ResourceNotFound).
 */
export async function readServicePrincipalByAppId<T>(graph: GraphClient, appId: string, read: ServicePrincipalRead): Promise<T | undefined> {
    const sp = await needingPermission(graph.get<T>(`/servicePrincipals(appId='${encodeURIComponent(appId)}')`, {
        operation: read.operation,
        query: { $select: read.select },
        ...(read.waitForReplication === true ? { transient: { notFound: true } } : {}),
        accept: [404],
    }), READ_APPLICATIONS_PERMISSION);
    return sp.status === 404 ? undefined : sp.body;
}

export interface GraphServicePrincipal {
    readonly id: string;
    /** Microsoft Graph's permission names by `<Scope|Role>/<id>`, as this tenant's Graph publishes them. */
    readonly permissionNames: PermissionNames;
}

/** Microsoft Graph's service principal, with its permission names; undefined when the tenant has none. */
export async function readGraphServicePrincipal(graph: GraphClient, operation: string): Promise<GraphServicePrincipal | undefined> {
    const sp = await readServicePrincipalByAppId<{ id: string; oauth2PermissionScopes?: Array<{ id: string; value: string }>; appRoles?: Array<{ id: string; value: string }> }>(
        graph, MICROSOFT_GRAPH_APP_ID, { operation, select: "id,oauth2PermissionScopes,appRoles" });
    return sp === undefined ? undefined : {
        id: sp.id,
        permissionNames: new Map<string, string>([
            ...(sp.oauth2PermissionScopes ?? []).map((s): [string, string] => [`Scope/${s.id}`, s.value]),
            ...(sp.appRoles ?? []).map((r): [string, string] => [`Role/${r.id}`, r.value]),
        ]),
    };
}

/**
 * A read made once per tenant and run, shared by the tenant's environments. A failed read is forgotten, so
 * it does not poison the other environments of the tenant. `tenantId` undefined: the signed-in tenant.
 */
export class PerTenantRead<T> {
    private readonly reads = new Map<string, Promise<T>>();

    constructor(private readonly read: (graph: GraphClient, tenant: string) => Promise<T>) {}

    get(tenantId: string | undefined, graph: GraphClient): Promise<T> {
        const key = tenantId ?? "";
        let read = this.reads.get(key);
        if (!read) {
            read = this.read(graph, tenantId === undefined ? "the signed-in tenant" : `tenant ${tenantId}`);
            read.catch(() => this.reads.delete(key));
            this.reads.set(key, read);
        }
        return read;
    }
}

export type GraphServicePrincipalCache = PerTenantRead<GraphServicePrincipal | undefined>;

/** Microsoft Graph's service principal per tenant, looked up once per run. */
export function graphServicePrincipalCache(): GraphServicePrincipalCache {
    return new PerTenantRead((graph, tenant) => readGraphServicePrincipal(graph, `find Microsoft Graph's service principal in ${tenant}`));
}

export interface TenantWideGrant {
    readonly id: string;
    /** Object ID of the resource's service principal. */
    readonly resourceId: string;
    readonly scopes: readonly string[];
}

/** The tenant-wide (AllPrincipals) delegated grants of a client service principal. */
export async function readTenantWideGrants(graph: GraphClient, clientServicePrincipalId: string, operation: string): Promise<TenantWideGrant[]> {
    const grants = await needingPermission(graph.list<{ id: string; resourceId: string; scope: string | null }>("/oauth2PermissionGrants", {
        operation, query: { $filter: `clientId eq '${clientServicePrincipalId}' and consentType eq 'AllPrincipals'` },
    }), READ_GRANTS_PERMISSION);
    return grants.map((g) => ({ id: g.id, resourceId: g.resourceId, scopes: (g.scope ?? "").split(" ").filter((s) => s !== "") }));
}
