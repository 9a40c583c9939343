/**
 * What a registration made by hand may hold beyond NocoBase mail's own needs, and that an adopting stack
 * declares so its first `pulumi up` keeps it: SPA and public-client redirect URIs, further web redirect
 * URIs, and permissions of other APIs (or further Microsoft Graph permissions). Pure parsing and merging.
 */
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID, isGuid } from "./graph-identifiers";
import { isHttpsOrLoopback } from "./redirect-uris";

/** One permission the registration requests: a delegated scope ("Scope") or an application role ("Role"). */
export interface ApiPermission {
    readonly resourceAppId: string;
    readonly type: "Scope" | "Role";
    readonly id: string;
}

/** `requiredResourceAccess` as the azuread provider takes it. */
interface ResourceAccessList {
    readonly resourceAppId: string;
    readonly resourceAccesses: Array<{ id: string; type: string }>;
}

/** Redirect URI platforms of an application. */
export type RedirectPlatform = "web" | "spa" | "publicClient";

/** The stack file form of a permission: `<resource app ID>/<Scope|Role>/<permission ID>`. */
export function formatApiPermission(permission: ApiPermission): string {
    return `${permission.resourceAppId}/${permission.type}/${permission.id}`;
}

export function parseApiPermission(text: string): ApiPermission | string {
    const [resourceAppId, type, id, ...rest] = text.trim().split("/");
    if (rest.length > 0 || !isGuid(resourceAppId ?? "") || (type !== "Scope" && type !== "Role") || !isGuid(id ?? "")) {
        return "is not <resource app ID>/<Scope|Role>/<permission ID> (three parts, GUIDs around Scope or Role)";
    }
    return { resourceAppId: resourceAppId.toLowerCase(), type, id: id.toLowerCase() };
}

export function isMailScope(permission: ApiPermission): boolean {
    return permission.resourceAppId === MICROSOFT_GRAPH_APP_ID && permission.type === "Scope"
        && MAIL_DELEGATED_SCOPES.some((s) => s.id === permission.id);
}

/**
 * The registration's permissions: Microsoft Graph first with the five mail scopes in their fixed order,
 * then the kept ones in the order given (the provider compares `resourceAccesses` in order).
 */
export function requiredResourceAccesses(kept: readonly ApiPermission[]): ResourceAccessList[] {
    const byResource = new Map<string, Array<{ id: string; type: string }>>([
        [MICROSOFT_GRAPH_APP_ID, MAIL_DELEGATED_SCOPES.map((scope) => ({ id: scope.id, type: "Scope" }))],
    ]);
    for (const permission of kept) {
        const list = byResource.get(permission.resourceAppId) ?? [];
        if (!list.some((p) => p.id === permission.id && p.type === permission.type)) {
            list.push({ id: permission.id, type: permission.type });
        }
        byResource.set(permission.resourceAppId, list);
    }
    return [...byResource].map(([resourceAppId, resourceAccesses]) => ({ resourceAppId, resourceAccesses }));
}

/**
 * Why Microsoft would refuse a redirect URI on this platform, or undefined. Web and SPA URIs are https
 * (http only for localhost); public clients also take custom schemes (`msal<id>://auth`, `ms-appx-web://`).
 */
export function redirectUriProblem(platform: RedirectPlatform, uri: string): string | undefined {
    if (uri.includes("*")) {
        return "contains a wildcard (*); Microsoft accepts none";
    }
    if (uri.length > 256) {
        return `has ${uri.length} characters; Microsoft allows at most 256`;
    }
    let url: URL;
    try {
        url = new URL(uri);
    } catch {
        return "is not an absolute URI";
    }
    if (platform === "publicClient") {
        return undefined;
    }
    return isHttpsOrLoopback(url) ? undefined : "must use https (http only for localhost)";
}
