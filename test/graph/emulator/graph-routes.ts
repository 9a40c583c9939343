/**
 * The Microsoft Graph v1.0 calls this project makes, with Graph's documented answers: status codes, the
 * error envelope, `requiredResourceAccess` replaced whole on PATCH, `secretText` only in addPassword's
 * answer, the 2-secret limit of personal-account audiences, app-management policies (both policy reads,
 * 403 without Policy.Read.All; addPassword and the sign-in audience refused with Microsoft's error codes),
 * and replication delay (objects created through the API answer 404 for a while, and are missing from
 * filtered lists).
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
    isPersonalAudience, type Application, type Directory, type FederatedIdentityCredential, type PolicyRestriction,
    type PolicyRestrictions, type ServicePrincipal,
} from "./directory";
import { parseJsonBody, sendGraphError, sendJson, sendNoContent, type Exchange } from "./http-exchange";

export interface GraphSettings {
    /** How long objects created through the API stay invisible (404) after creation. */
    replicationDelayMs: number;
    /** Most items per list page; more follow through `@odata.nextLink` with a `$skiptoken`, as Graph pages. */
    pageSize: number;
}

interface GraphContext {
    readonly directory: Directory;
    readonly settings: GraphSettings;
    readonly origin: string;
    /** Client ID of the caller, from its token. */
    readonly callerAppId: string | undefined;
    /** The signed-in person of a delegated token, with its scopes; undefined for an app-only token. */
    readonly callerPerson: { readonly userId: string; readonly scopes: readonly string[] } | undefined;
}

const NOT_FOUND = (id: string): string =>
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`;

function visible(ctx: GraphContext, id: string): boolean {
    const created = ctx.directory.createdAt.get(id);
    return created === undefined || Date.now() - created >= ctx.settings.replicationDelayMs;
}

function markCreated(ctx: GraphContext, id: string): void {
    ctx.directory.createdAt.set(id, Date.now());
}

/** `$filter` with `prop eq 'value'` terms joined by `and`, the only form our code sends. */
function parseFilter(filter: string | null): Array<[string, string]> | undefined {
    if (filter === null) {
        return [];
    }
    const terms: Array<[string, string]> = [];
    for (const term of filter.split(/\s+and\s+/i)) {
        const match = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/.exec(term);
        if (!match) {
            return undefined;
        }
        terms.push([match[1], match[2]]);
    }
    return terms;
}

function select<T extends object>(item: T, selectParam: string | null): Partial<T> {
    if (!selectParam) {
        return item;
    }
    // Graph keeps the type annotation of derived types (owners are users or service principals) under $select.
    const fields = new Set(["id", "@odata.type", ...selectParam.split(",").map((f) => f.trim())]);
    return Object.fromEntries(Object.entries(item).filter(([k]) => fields.has(k))) as Partial<T>;
}

function listResponse<T extends object>(ex: Exchange, ctx: GraphContext, entity: string, items: T[]): void {
    const start = Number(ex.url.searchParams.get("$skiptoken") ?? "0");
    const page = items.slice(start, start + ctx.settings.pageSize);
    const selected = page.map((i) => select(i, ex.url.searchParams.get("$select")));
    const rest = start + ctx.settings.pageSize < items.length;
    const next = new URL(ex.url.toString());
    next.searchParams.set("$skiptoken", String(start + ctx.settings.pageSize));
    sendJson(ex, 200, {
        "@odata.context": `${ctx.origin}/v1.0/$metadata#${entity}`,
        ...(rest ? { "@odata.nextLink": `${ctx.origin}${next.pathname}${next.search}` } : {}),
        value: selected,
    });
}

function filtered<T extends object>(ex: Exchange, items: T[]): T[] | undefined {
    const terms = parseFilter(ex.url.searchParams.get("$filter"));
    if (terms === undefined) {
        return undefined;
    }
    return items.filter((item) => terms.every(([k, v]) => (item as Record<string, unknown>)[k] === v));
}

function unsupportedQuery(ex: Exchange): void {
    sendGraphError(ex, 400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified.");
}

/**
 * The restrictions in force for an application: those of an enabled policy assigned to it, else those of the
 * enabled tenant default, with the ID of the policy that sets them.
 */
function policyOf(ctx: GraphContext, app: Application): { policyId: string; restrictions: PolicyRestrictions } | undefined {
    const dir = ctx.directory;
    const assigned = dir.appManagementPolicies.get(dir.assignedPolicies.get(app.id) ?? "");
    if (assigned?.isEnabled) {
        return { policyId: assigned.id, restrictions: assigned.restrictions };
    }
    const tenant = dir.defaultAppManagementPolicy;
    return tenant.isEnabled ? { policyId: tenant.id, restrictions: tenant.applicationRestrictions } : undefined;
}

/** Whether a restriction is evaluated for the application: enabled, and the application created on or after its date. */
function inForce(restriction: PolicyRestriction | undefined, app: Application): restriction is PolicyRestriction {
    return restriction !== undefined && restriction.state === "enabled" && (restriction.restrictForAppsCreatedAfterDateTime === null ||
        Date.parse(app.createdDateTime) >= Date.parse(restriction.restrictForAppsCreatedAfterDateTime));
}

/** The policy ID refusing an audience for the application, if one does. */
function audienceRefusal(ctx: GraphContext, app: Application, audience: string): string | undefined {
    const policy = policyOf(ctx, app);
    const audiences = policy?.restrictions.audiences;
    const personal = inForce(audiences?.personalMicrosoftAccount, app) && isPersonalAudience(audience);
    const multi = inForce(audiences?.azureAdMultipleOrgs, app) && (audience === "AzureADMultipleOrgs" || audience === "AzureADandPersonalMicrosoftAccount");
    return personal || multi ? policy?.policyId : undefined;
}

/** Days of an ISO 8601 duration of days (`P90D`), the form the emulator's tests configure. */
function durationDays(duration: string): number {
    const match = /^P(\d+)D$/.exec(duration);
    if (!match) {
        throw new Error(`emulator: unsupported duration ${duration}`);
    }
    return Number(match[1]);
}

/** Graph's 403 for a caller without the permission. */
function requirePermission(ex: Exchange, ctx: GraphContext, permission: string): boolean {
    if (ctx.directory.callerHolds(ctx.callerAppId, permission)) {
        return true;
    }
    sendGraphError(ex, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    return false;
}

function policies(ex: Exchange, ctx: GraphContext, rest: string): void {
    if (rest !== "/defaultAppManagementPolicy" || ex.method !== "GET") {
        return sendGraphError(ex, 400, "BadRequest", "Unsupported path.");
    }
    if (requirePermission(ex, ctx, "Policy.Read.All")) {
        sendJson(ex, 200, { "@odata.context": `${ctx.origin}/v1.0/$metadata#policies/defaultAppManagementPolicy/$entity`, ...ctx.directory.defaultAppManagementPolicy });
    }
}

/** Applies an application PATCH body: top-level properties replace, `web` and `api` merge one level. */
function applyApplicationPatch(ex: Exchange, ctx: GraphContext, app: Application, body: Record<string, unknown>): boolean {
    if ("passwordCredentials" in body) {
        sendGraphError(ex, 400, "Request_BadRequest",
            "Updating passwordCredentials through PATCH is not supported. Use addPassword and removePassword.");
        return false;
    }
    const audience = typeof body.signInAudience === "string" ? body.signInAudience : app.signInAudience;
    const api = { ...app.api, ...(body.api as Application["api"] | undefined) };
    if (typeof body.signInAudience === "string") {
        const refusing = audienceRefusal(ctx, app, body.signInAudience);
        if (refusing !== undefined) {
            sendGraphError(ex, 400, "SignInAudienceNotAllowedAsPerAppPolicy",
                `Sign in audience '${body.signInAudience}' is not allowed as per assigned policy ${refusing}.`);
            return false;
        }
    }
    if (isPersonalAudience(audience) && api.requestedAccessTokenVersion !== 2) {
        sendGraphError(ex, 400, "InvalidAccessTokenVersion",
            "Property api.requestedAccessTokenVersion is invalid. It must be 2 for the requested signInAudience.");
        return false;
    }
    if (typeof body.displayName === "string") app.displayName = body.displayName;
    if (typeof body.uniqueName === "string") app.uniqueName = body.uniqueName;
    app.signInAudience = audience;
    app.api = api;
    if (body.web && typeof body.web === "object") app.web = { ...app.web, ...(body.web as Partial<Application["web"]>) };
    if (body.spa && typeof body.spa === "object") app.spa = { ...app.spa, ...(body.spa as Partial<Application["spa"]>) };
    if (body.publicClient && typeof body.publicClient === "object") {
        app.publicClient = { ...app.publicClient, ...(body.publicClient as Partial<Application["publicClient"]>) };
    }
    // Replaced whole, never merged: a PATCH with one resource drops the others.
    if (Array.isArray(body.requiredResourceAccess)) app.requiredResourceAccess = body.requiredResourceAccess as Application["requiredResourceAccess"];
    return true;
}

function createApplication(ex: Exchange, ctx: GraphContext, body: Record<string, unknown>, uniqueName: string | null): Application | undefined {
    if (typeof body.displayName !== "string" || body.displayName === "") {
        sendGraphError(ex, 400, "Request_BadRequest", "Property 'displayName' is required.");
        return undefined;
    }
    const app = ctx.directory.newApplication({ displayName: body.displayName, uniqueName });
    if (!applyApplicationPatch(ex, ctx, app, body)) {
        ctx.directory.applications.delete(app.id);
        return undefined;
    }
    markCreated(ctx, app.id);
    return app;
}

function findApplication(ex: Exchange, ctx: GraphContext, key: string): Application | undefined {
    const byAppId = /^\(appId='([^']+)'\)$/.exec(key);
    const byUniqueName = /^\(uniqueName='([^']+)'\)$/.exec(key);
    const apps = [...ctx.directory.applications.values()];
    const app = byAppId ? apps.find((a) => a.appId === byAppId[1])
        : byUniqueName ? apps.find((a) => a.uniqueName === byUniqueName[1])
            : ctx.directory.applications.get(key.replace(/^\//, ""));
    if (!app || !visible(ctx, app.id)) {
        sendGraphError(ex, 404, "Request_ResourceNotFound", NOT_FOUND(key.replace(/^\/|^\(|\)$/g, "")));
        return undefined;
    }
    return app;
}

function applications(ex: Exchange, ctx: GraphContext, rest: string): void {
    const dir = ctx.directory;
    if (rest === "") {
        if (ex.method === "GET") {
            const items = filtered(ex, [...dir.applications.values()].filter((a) => visible(ctx, a.id)));
            return items ? listResponse(ex, ctx, "applications", items) : unsupportedQuery(ex);
        }
        if (ex.method === "POST") {
            const body = parseJsonBody(ex);
            if (!body) return sendGraphError(ex, 400, "BadRequest", "Unable to read JSON request payload.");
            const app = createApplication(ex, ctx, body, null);
            if (app) sendJson(ex, 201, app);
            return;
        }
    }
    const uniqueName = /^\(uniqueName='([^']+)'\)$/.exec(rest);
    if (uniqueName && ex.method === "PATCH") {
        const body = parseJsonBody(ex);
        if (!body) return sendGraphError(ex, 400, "BadRequest", "Unable to read JSON request payload.");
        // The alternate key is strongly consistent: upsert never duplicates, even during replication.
        const existing = [...dir.applications.values()].find((a) => a.uniqueName === uniqueName[1]);
        if (existing) {
            if (applyApplicationPatch(ex, ctx, existing, body)) sendNoContent(ex);
            return;
        }
        if (!/create-if-missing/i.test(String(ex.req.headers.prefer ?? ""))) {
            return sendGraphError(ex, 404, "Request_ResourceNotFound", NOT_FOUND(uniqueName[1]));
        }
        const app = createApplication(ex, ctx, body, uniqueName[1]);
        if (app) sendJson(ex, 201, app);
        return;
    }
    const match = /^(\([^)]*\)|\/[^/]+)(\/.*)?$/.exec(rest);
    if (!match) return sendGraphError(ex, 400, "BadRequest", `Resource not found for the segment '${rest}'.`);
    const sub = match[2] ?? "";
    const app = findApplication(ex, ctx, match[1]);
    if (!app) return;
    if (sub === "" && ex.method === "GET") return sendJson(ex, 200, select(app, ex.url.searchParams.get("$select")));
    if (sub === "" && ex.method === "PATCH") {
        const body = parseJsonBody(ex);
        if (!body) return sendGraphError(ex, 400, "BadRequest", "Unable to read JSON request payload.");
        if (applyApplicationPatch(ex, ctx, app, body)) sendNoContent(ex);
        return;
    }
    if (sub === "/addPassword" && ex.method === "POST") return addPassword(ex, ctx, app);
    if (sub === "/removePassword" && ex.method === "POST") {
        const keyId = parseJsonBody(ex)?.keyId;
        const index = app.passwordCredentials.findIndex((p) => p.keyId === keyId);
        if (index < 0) return sendGraphError(ex, 404, "Request_ResourceNotFound", `No password credential found with keyId ${String(keyId)}.`);
        app.passwordCredentials.splice(index, 1);
        dir.secretValues.delete(String(keyId));
        return sendNoContent(ex);
    }
    if (sub === "/federatedIdentityCredentials") return federatedCredentials(ex, ctx, app);
    if (sub === "/owners" && ex.method === "GET") return listResponse(ex, ctx, "directoryObjects", ownersOf(ctx, app));
    if (sub === "/appManagementPolicies" && ex.method === "GET") {
        if (!requirePermission(ex, ctx, "Policy.Read.All")) return;
        const assigned = dir.appManagementPolicies.get(dir.assignedPolicies.get(app.id) ?? "");
        return listResponse(ex, ctx, "appManagementPolicies", assigned === undefined ? [] : [assigned]);
    }
    sendGraphError(ex, 405, "Request_BadRequest", `The method ${ex.method} is not allowed on ${sub || "this resource"}.`);
}

/** An application's owners as directory objects, typed by `@odata.type` as Graph returns them. */
function ownersOf(ctx: GraphContext, app: Application): Array<Record<string, string>> {
    return (ctx.directory.owners.get(app.id) ?? []).flatMap((id): Array<Record<string, string>> => {
        const user = ctx.directory.users.get(id);
        if (user) return [{ "@odata.type": "#microsoft.graph.user", ...user }];
        const sp = ctx.directory.servicePrincipals.get(id);
        return sp ? [{ "@odata.type": "#microsoft.graph.servicePrincipal", id: sp.id, displayName: sp.displayName, appId: sp.appId }] : [];
    });
}

function addPassword(ex: Exchange, ctx: GraphContext, app: Application): void {
    const body = parseJsonBody(ex);
    const requested = (body?.passwordCredential ?? {}) as { displayName?: string; endDateTime?: string };
    if (isPersonalAudience(app.signInAudience) && app.passwordCredentials.length >= 2) {
        return sendGraphError(ex, 400, "TooManyAppPasswords",
            `Not allowed to add ${app.passwordCredentials.length + 1} passwords. You can only add a maximum of 2 passwords.`);
    }
    const now = Date.now();
    const end = requested.endDateTime ? new Date(requested.endDateTime) : new Date(now + 2 * 365 * 86400_000);
    const policy = policyOf(ctx, app);
    const passwords = policy?.restrictions.passwordCredentials ?? [];
    if (inForce(passwords.find((r) => r.restrictionType === "passwordAddition"), app)) {
        return sendGraphError(ex, 400, "CredentialTypeNotAllowedAsPerAppPolicy",
            `Password credentials are not allowed as per assigned policy ${policy?.policyId ?? ""}.`);
    }
    const lifetime = passwords.find((r) => r.restrictionType === "passwordLifetime");
    if (inForce(lifetime, app) && typeof lifetime.maxLifetime === "string" && end.getTime() - now > durationDays(lifetime.maxLifetime) * 86400_000) {
        return sendGraphError(ex, 400, "CredentialInvalidLifetimeAsPerAppPolicy",
            `Credential lifetime exceeds the max value allowed as per assigned policy ${policy?.policyId ?? ""}.`);
    }
    const { credential, secretText } = ctx.directory.addPassword(app, requested.displayName ?? null, end, now);
    ctx.directory.secretAddedAt.set(credential.keyId, now);
    // The only answer that ever carries the secret's value.
    sendJson(ex, 200, { ...credential, secretText });
}

function federatedCredentials(ex: Exchange, ctx: GraphContext, app: Application): void {
    if (ex.method === "GET") {
        return listResponse(ex, ctx, `applications('${app.id}')/federatedIdentityCredentials`, app.federatedIdentityCredentials);
    }
    if (ex.method !== "POST") return sendGraphError(ex, 405, "Request_BadRequest", `The method ${ex.method} is not allowed.`);
    const body = parseJsonBody(ex) ?? {};
    const { name, issuer, subject, audiences, description } = body as Partial<FederatedIdentityCredential>;
    if (!name || !issuer || !subject || !Array.isArray(audiences) || audiences.length !== 1) {
        return sendGraphError(ex, 400, "Request_BadRequest", "name, issuer, subject and exactly one audience are required.");
    }
    if (app.federatedIdentityCredentials.some((f) => f.name === name)) {
        return sendGraphError(ex, 409, "Request_MultipleObjectsWithSameKeyValue", `FederatedIdentityCredential with name ${name} already exists.`);
    }
    if (app.federatedIdentityCredentials.some((f) => f.issuer === issuer && f.subject === subject)) {
        return sendGraphError(ex, 409, "Request_MultipleObjectsWithSameKeyValue", "FederatedIdentityCredential with the same issuer and subject already exists.");
    }
    const fic: FederatedIdentityCredential = { id: randomUUID(), name, issuer, subject, audiences, description: description ?? null };
    app.federatedIdentityCredentials.push(fic);
    sendJson(ex, 201, fic);
}

function servicePrincipals(ex: Exchange, ctx: GraphContext, rest: string): void {
    const dir = ctx.directory;
    if (rest === "") {
        if (ex.method === "GET") {
            const items = filtered(ex, [...dir.servicePrincipals.values()].filter((s) => visible(ctx, s.id)));
            return items ? listResponse(ex, ctx, "servicePrincipals", items) : unsupportedQuery(ex);
        }
        if (ex.method === "POST") {
            const appId = parseJsonBody(ex)?.appId;
            const app = typeof appId === "string" ? dir.findApplicationByAppId(appId) : undefined;
            if (!app || !visible(ctx, app.id)) {
                return sendGraphError(ex, 400, "Request_BadRequest",
                    `The appId '${String(appId)}' of the service principal does not reference a valid application object.`);
            }
            if (dir.findServicePrincipalByAppId(app.appId)) {
                return sendGraphError(ex, 409, "Request_MultipleObjectsWithSameKeyValue",
                    "Another object with the same value for property servicePrincipalNames already exists.");
            }
            const sp = dir.newServicePrincipal(app);
            markCreated(ctx, sp.id);
            return sendJson(ex, 201, sp);
        }
    }
    const match = /^(?:\/([^/(]+)|\(appId='([^']+)'\))(\/appRoleAssignments)?$/.exec(rest);
    const sp = !match ? undefined : match[1] ? dir.servicePrincipals.get(match[1]) : dir.findServicePrincipalByAppId(match[2]);
    if (!match || !sp || !visible(ctx, sp.id)) {
        return sendGraphError(ex, 404, "Request_ResourceNotFound", NOT_FOUND(match?.[1] ?? match?.[2] ?? rest));
    }
    if (!match[3]) {
        return ex.method === "GET" ? sendJson(ex, 200, select(sp, ex.url.searchParams.get("$select")))
            : sendGraphError(ex, 405, "Request_BadRequest", `The method ${ex.method} is not allowed.`);
    }
    appRoleAssignments(ex, ctx, sp);
}

function appRoleAssignments(ex: Exchange, ctx: GraphContext, principal: ServicePrincipal): void {
    const dir = ctx.directory;
    const mine = dir.appRoleAssignments.filter((a) => a.principalId === principal.id);
    if (ex.method === "GET") return listResponse(ex, ctx, `servicePrincipals('${principal.id}')/appRoleAssignments`, mine);
    if (ex.method !== "POST") return sendGraphError(ex, 405, "Request_BadRequest", `The method ${ex.method} is not allowed.`);
    const body = parseJsonBody(ex) ?? {};
    const resource = dir.servicePrincipals.get(String(body.resourceId));
    if (body.principalId !== principal.id || !resource) {
        return sendGraphError(ex, 400, "Request_BadRequest", "Invalid principalId or resourceId.");
    }
    if (!resource.appRoles.some((r) => r.id === body.appRoleId)) {
        return sendGraphError(ex, 400, "Request_BadRequest", "Permission being assigned was not found on application");
    }
    if (mine.some((a) => a.resourceId === resource.id && a.appRoleId === body.appRoleId)) {
        return sendGraphError(ex, 400, "Request_BadRequest", "Permission being assigned already exists on the object");
    }
    const assignment = {
        id: randomBytes(24).toString("base64url"), principalId: principal.id, principalType: "ServicePrincipal" as const,
        resourceId: resource.id, appRoleId: String(body.appRoleId), createdDateTime: new Date().toISOString(),
    };
    dir.appRoleAssignments.push(assignment);
    sendJson(ex, 201, assignment);
}

function oauth2PermissionGrants(ex: Exchange, ctx: GraphContext): void {
    const dir = ctx.directory;
    if (ex.method === "GET") {
        const items = filtered(ex, dir.oauth2PermissionGrants);
        return items ? listResponse(ex, ctx, "oauth2PermissionGrants", items) : unsupportedQuery(ex);
    }
    if (ex.method !== "POST") return sendGraphError(ex, 405, "Request_BadRequest", `The method ${ex.method} is not allowed.`);
    const body = parseJsonBody(ex) ?? {};
    const { clientId, consentType, resourceId, scope } = body as Record<string, string>;
    if (dir.oauth2PermissionGrants.some((g) => g.clientId === clientId && g.resourceId === resourceId && g.consentType === consentType)) {
        return sendGraphError(ex, 409, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.");
    }
    const grant = {
        id: randomBytes(24).toString("base64url"), clientId, consentType: consentType as "AllPrincipals",
        principalId: null, resourceId, scope,
    };
    dir.oauth2PermissionGrants.push(grant);
    sendJson(ex, 201, grant);
}

/** Delegated scopes that let a person read directory roles; with others Graph lists them with their properties null. */
const READ_DIRECTORY_ROLES = new Set(["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All",
    "Directory.ReadWrite.All", "Directory.AccessAsUser.All"]);

/** `/me` and the signed-in person's directory roles (the `microsoft.graph.directoryRole` cast of `transitiveMemberOf`). */
function me(ex: Exchange, ctx: GraphContext, rest: string): void {
    const person = ctx.callerPerson;
    if (person === undefined) {
        return sendGraphError(ex, 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    }
    const user = ctx.directory.users.get(person.userId);
    if (!user) return sendGraphError(ex, 404, "Request_ResourceNotFound", NOT_FOUND(person.userId));
    if (ex.method !== "GET") return sendGraphError(ex, 405, "Request_BadRequest", `The method ${ex.method} is not allowed.`);
    if (rest === "") {
        return sendJson(ex, 200, { "@odata.context": `${ctx.origin}/v1.0/$metadata#users/$entity`, ...select(user, ex.url.searchParams.get("$select")) });
    }
    if (rest !== "/transitiveMemberOf/microsoft.graph.directoryRole") {
        return sendGraphError(ex, 400, "BadRequest", `Resource not found for the segment '${rest.split("/")[1] ?? ""}'.`);
    }
    const readable = person.scopes.some((s) => READ_DIRECTORY_ROLES.has(s));
    // Graph's "limited information" for directory objects the caller may not read: type and ID, the rest null.
    const roles = [...ctx.directory.directoryRoles.values()].filter((r) => r.members.has(user.id)).map(({ role }) => readable
        ? { "@odata.type": "#microsoft.graph.directoryRole", ...role }
        : { "@odata.type": "#microsoft.graph.directoryRole", id: role.id, displayName: null, roleTemplateId: null });
    listResponse(ex, ctx, "directoryRoles", roles);
}

/** Routes a Graph request whose path starts after `/v1.0`. */
export function routeGraph(ex: Exchange, ctx: GraphContext, path: string): void {
    const match = /^\/(applications|servicePrincipals|oauth2PermissionGrants|policies|me)(.*)$/.exec(path);
    if (!match) {
        return sendGraphError(ex, 400, "BadRequest", `Resource not found for the segment '${path.split("/")[1] ?? ""}'.`);
    }
    if (match[1] === "me") return me(ex, ctx, match[2]);
    if (match[1] === "policies") return policies(ex, ctx, match[2]);
    if (match[1] === "applications") return applications(ex, ctx, match[2]);
    if (match[1] === "servicePrincipals") return servicePrincipals(ex, ctx, match[2]);
    if (match[2] === "") return oauth2PermissionGrants(ex, ctx);
    sendGraphError(ex, 400, "BadRequest", "Unsupported path.");
}
