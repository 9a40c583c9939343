/**
 * Who the signed-in identity is, and whether it may change applications it does not own, asked of
 * Microsoft Graph: Microsoft tells clients to treat access tokens as opaque, so nothing is read from the
 * token. A person is who `/me` answers for, with the directory roles Graph lists for them; an application
 * is what `/me` refuses, found by its client ID, with the Graph application permissions granted to it.
 */
import type { GraphClient } from "../../microsoft/graph-client";
import { readServicePrincipalByAppId } from "../../microsoft/directory-reader";
import { APPLICATION_READWRITE_ALL } from "../../microsoft/permission-names";
import { MicrosoftServiceError } from "../../microsoft/service-error";
import { isGuid, MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";

/** Directory roles (template IDs) whose holders may change every application registration. */
const APPLICATION_ADMIN_ROLES: Readonly<Record<string, string>> = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
};

/** Graph's answer to `/me` for an app-only token (400 BadRequest). */
const APP_ONLY_ME = /only valid with delegated authentication flow/i;

export interface DeployerIdentity {
    readonly objectId: string;
    /** "application" (service principal), "person", or "given" by `--deployer` (rights not known). */
    readonly kind: "application" | "person" | "given";
    /** The right that lets it change applications it does not own, if any. */
    readonly updatesAnyApplication: string | undefined;
    /** Why Graph could not tell its rights; set only when they are not known, never read as "none". */
    readonly rightsNotKnown?: string;
}

/** The signed-in identity could not be named; `reason` says why, without the fix (`--deployer`). */
export interface IdentityNotKnown {
    readonly kind: "not known";
    readonly reason: string;
}

export type SignedInIdentity = DeployerIdentity | IdentityNotKnown;

function graphRefused(err: unknown, status: number): err is MicrosoftServiceError {
    return err instanceof MicrosoftServiceError && err.details.service === "Microsoft Graph" && err.details.status === status;
}

/**
 * The signed-in identity. `clientId` is the client ID the environment names (AZURE_CLIENT_ID), the only
 * way to find an application, since Graph has no `/me` for it. A 403 makes the identity or its rights
 * "not known"; any other failure is thrown, so it is reported and never taken for an answer.
 */
export async function readSignedInIdentity(graph: GraphClient, clientId: string | undefined): Promise<SignedInIdentity> {
    let me: { id?: string } | undefined;
    try {
        me = (await graph.get<{ id?: string }>("/me", { operation: "read the signed-in person (/me)", query: { $select: "id" } })).body;
    } catch (err) {
        if (!(graphRefused(err, 400) && APP_ONLY_ME.test(err.details.detail))) {
            throw err;
        }
        return readSignedInApplication(graph, clientId);
    }
    if (typeof me?.id !== "string" || !isGuid(me.id)) {
        return { kind: "not known", reason: "Microsoft Graph answered /me without the person's object ID" };
    }
    return readPersonRights(graph, me.id.toLowerCase());
}

async function readPersonRights(graph: GraphClient, objectId: string): Promise<DeployerIdentity> {
    let roles: Array<{ roleTemplateId?: string | null }>;
    try {
        roles = await graph.list<{ roleTemplateId?: string | null }>("/me/transitiveMemberOf/microsoft.graph.directoryRole", {
            operation: "list the signed-in person's directory roles", query: { $select: "roleTemplateId" },
        });
    } catch (err) {
        if (!graphRefused(err, 403)) {
            throw err;
        }
        return { objectId, kind: "person", updatesAnyApplication: undefined,
            rightsNotKnown: "Microsoft Graph refused to list its directory roles (403)" };
    }
    const right = roles.map((r) => APPLICATION_ADMIN_ROLES[r.roleTemplateId ?? ""]).find((name) => name !== undefined);
    // Graph returns directory objects the sign-in may not read with their properties null.
    const unreadable = roles.filter((r) => typeof r.roleTemplateId !== "string").length;
    return right !== undefined || unreadable === 0
        ? { objectId, kind: "person", updatesAnyApplication: right }
        : { objectId, kind: "person", updatesAnyApplication: undefined,
            rightsNotKnown: `Microsoft Graph listed ${unreadable} of its directory roles without their template ID (the sign-in may not read directory roles)` };
}

async function servicePrincipalIdOf(graph: GraphClient, appId: string, operation: string): Promise<string | undefined> {
    const found = await readServicePrincipalByAppId<{ id?: string }>(graph, appId, { operation, select: "id" });
    return found?.id?.toLowerCase();
}

async function readSignedInApplication(graph: GraphClient, clientId: string | undefined): Promise<SignedInIdentity> {
    if (clientId === undefined || clientId === "") {
        return { kind: "not known", reason: "Microsoft Graph answers /me only for a person, so an application is signed in, " +
            "and the environment names no client ID (AZURE_CLIENT_ID) to find it by" };
    }
    if (!isGuid(clientId)) {
        return { kind: "not known", reason: "an application is signed in, and AZURE_CLIENT_ID is not a client ID (a GUID)" };
    }
    let objectId: string | undefined;
    try {
        objectId = await servicePrincipalIdOf(graph, clientId, `find the service principal of client ID ${clientId} (AZURE_CLIENT_ID)`);
    } catch (err) {
        if (!graphRefused(err, 403)) {
            throw err;
        }
        return { kind: "not known", reason: `Microsoft Graph refused to read the service principal of client ID ${clientId} (AZURE_CLIENT_ID) (403; ` +
            "it needs Application.Read.All)" };
    }
    if (objectId === undefined) {
        return { kind: "not known", reason: `this tenant has no service principal for client ID ${clientId} (AZURE_CLIENT_ID), ` +
            "so it is not the application signed in" };
    }
    try {
        const [assignments, graphPrincipal] = await Promise.all([
            graph.list<{ appRoleId?: string; resourceId?: string }>(`/servicePrincipals/${objectId}/appRoleAssignments`, {
                operation: `list the application permissions of service principal ${objectId}`,
            }),
            servicePrincipalIdOf(graph, MICROSOFT_GRAPH_APP_ID, "find Microsoft Graph's service principal"),
        ]);
        const holds = graphPrincipal !== undefined && assignments.some((a) =>
            a.appRoleId === APPLICATION_READWRITE_ALL.id && a.resourceId?.toLowerCase() === graphPrincipal);
        return { objectId, kind: "application", updatesAnyApplication: holds ? APPLICATION_READWRITE_ALL.value : undefined };
    } catch (err) {
        if (!graphRefused(err, 403)) {
            throw err;
        }
        return { objectId, kind: "application", updatesAnyApplication: undefined,
            rightsNotKnown: "Microsoft Graph refused to list its application permissions (403; it needs Application.Read.All)" };
    }
}
