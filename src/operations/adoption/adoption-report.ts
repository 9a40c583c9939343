/**
 * What the stack's first `pulumi up` would do to a registration made by hand: pure comparison of the
 * live registration with what the stack declares. Each item says what is kept, added, changed or removed;
 * removals are losses, and some findings would make `pulumi up` fail. Every loss and failure has a fix.
 */
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";
import { CONFIG_NAMESPACE } from "../../configuration/config-keys";
import { type ConfigChange, configChangeCommand, type Settings } from "../../configuration/settings";
import { audienceLimits, admitsPersonalAccounts } from "../../registration/sign-in-audience";
import type { DeployerIdentity } from "./deployer-identity";
import { formatApiPermission, type ApiPermission, type RedirectPlatform, requiredResourceAccesses } from "../../registration/kept-settings";
import type { AdoptionSnapshot } from "./live-registration";
import { graphPermissionName } from "../../microsoft/permission-names";
import { judgePolicies, type PolicyRead } from "../../microsoft/app-management-policy";
import { policyProblems } from "../policy-problems";

/** Client secrets of the stack that exist at once: the current one and the next during a rotation. */
const STACK_SECRET_SLOTS = 2;

type Effect = "keep" | "add" | "change" | "remove" | "fails";

type Area = "application" | "service principal" | "owner" | "redirect URI" | "permission" | "api" | "setting"
    | "client secret" | "admin consent" | "deployer" | "app-management policy";

export interface AdoptionItem {
    readonly area: Area;
    readonly effect: Effect;
    /** What it is about, e.g. a redirect URI with its platform. */
    readonly subject: string;
    /** Why, or what happens exactly. */
    readonly detail?: string;
    /** What to do; set for every loss and failure. */
    readonly fix?: string;
}

export interface AdoptionReport {
    readonly stack: string;
    readonly objectId: string;
    readonly clientId: string;
    readonly displayName: string;
    readonly deployer: DeployerIdentity;
    readonly items: readonly AdoptionItem[];
    /** What could not be checked and what that means (a policy the identity may not read); no effect on the exit code. */
    readonly notes: readonly string[];
    /** Removals: what the first `pulumi up` would take away. */
    readonly losses: number;
    /** Findings that would make the first `pulumi up` fail. */
    readonly failures: number;
    /** 0 nothing lost, 1 something lost or failing. */
    readonly exitCode: 0 | 1;
}

const PLATFORM_KEY: Record<RedirectPlatform, string> = {
    web: "additionalWebRedirectUris", spa: "spaRedirectUris", publicClient: "publicClientRedirectUris",
};

const PLATFORM_NAME: Record<RedirectPlatform, string> = { web: "web", spa: "spa", publicClient: "public client" };

interface ReportContext {
    readonly settings: Settings;
    readonly deployer: DeployerIdentity;
    /** The preflight command with stack and object ID, for fixes. */
    readonly adoptCommand: string;
    /** The tenant's app-management policies as read for the application. */
    readonly policies: PolicyRead;
    readonly now: Date;
}

function permissionKey(p: ApiPermission): string {
    return formatApiPermission(p);
}

function permissionName(p: ApiPermission, snapshot: AdoptionSnapshot): string {
    const kind = p.type === "Scope" ? "delegated" : "application";
    if (p.resourceAppId === MICROSOFT_GRAPH_APP_ID) {
        const name = graphPermissionName(p.type, p.id, snapshot.graphPermissionNames);
        return `Microsoft Graph ${name ?? p.id} (${kind}${name === undefined ? "" : `, ${p.id}`})`;
    }
    return `API ${p.resourceAppId} ${p.id} (${kind})`;
}

export function compareRegistration(snapshot: AdoptionSnapshot, context: ReportContext): AdoptionReport {
    const { settings, deployer, adoptCommand, policies, now } = context;
    const config = (...changes: ConfigChange[]): string => changes.map((change) => configChangeCommand(settings.stack, change)).join(" && ");
    const items: AdoptionItem[] = [];
    const add = (item: AdoptionItem): void => { items.push(item); };

    add({ area: "application", effect: "keep", subject: `${snapshot.displayName} (${snapshot.objectId})`,
        detail: "imported; never deleted by the stack (retained on pulumi destroy and on replacement)" });
    if (settings.adoptApplicationObjectId !== undefined && settings.adoptApplicationObjectId !== snapshot.objectId) {
        add({ area: "application", effect: "fails", subject: `the stack file adopts ${settings.adoptApplicationObjectId}`,
            detail: "another application than the one checked here",
            fix: `${config({ key: "adoptApplicationObjectId" })}, then ${adoptCommand} --write` });
    }
    if (snapshot.displayName !== settings.displayName) {
        add({ area: "setting", effect: "change", subject: "display name", detail: `"${snapshot.displayName}" becomes "${settings.displayName}"` });
    }
    if (snapshot.signInAudience !== settings.signInAudience) {
        add({ area: "setting", effect: "change", subject: "sign-in audience",
            detail: `${snapshot.signInAudience} becomes ${settings.signInAudience}` });
    }

    // Owners: the deployer plus the configured ones, exactly (the provider's owners are authoritative).
    const stackOwners = [deployer.objectId, ...settings.owners.filter((o) => o !== deployer.objectId)];
    let nextOwnerIndex = settings.owners.length;
    snapshot.owners.forEach((owner) => {
        const label = `${owner.displayName || "(no name)"} (${owner.kind}, ${owner.id})`;
        if (stackOwners.includes(owner.id)) {
            add({ area: "owner", effect: "keep", subject: label });
        } else {
            add({ area: "owner", effect: "remove", subject: label, detail: "not in the stack's owners",
                fix: `${adoptCommand} --write keeps it, or: ${config({ key: "owners", index: nextOwnerIndex++, value: owner.id })}` });
        }
    });
    for (const id of stackOwners.filter((o) => !snapshot.owners.some((live) => live.id === o))) {
        add({ area: "owner", effect: "add", subject: id === deployer.objectId ? `${id} (the deploying identity)` : id });
    }

    // Redirect URIs of every platform.
    const declared: Record<RedirectPlatform, readonly string[]> = {
        web: [...settings.redirectUris, ...settings.additionalWebRedirectUris],
        spa: settings.spaRedirectUris,
        publicClient: settings.publicClientRedirectUris,
    };
    for (const platform of ["web", "spa", "publicClient"] as const) {
        const live = snapshot.redirectUris[platform];
        for (const uri of live) {
            if (declared[platform].includes(uri)) {
                add({ area: "redirect URI", effect: "keep", subject: `${PLATFORM_NAME[platform]} ${uri}` });
            } else {
                add({ area: "redirect URI", effect: "remove", subject: `${PLATFORM_NAME[platform]} ${uri}`,
                    fix: `${adoptCommand} --write keeps it (${CONFIG_NAMESPACE}:${PLATFORM_KEY[platform]})` });
            }
        }
        for (const uri of declared[platform].filter((u) => !live.includes(u))) {
            add({ area: "redirect URI", effect: "add", subject: `${PLATFORM_NAME[platform]} ${uri}` });
        }
    }

    // Permissions of every API: requiredResourceAccess is replaced whole.
    const declaredPermissions = requiredResourceAccesses(settings.additionalPermissions).flatMap((r) =>
        r.resourceAccesses.map((a): ApiPermission => ({ resourceAppId: r.resourceAppId, type: a.type as "Scope" | "Role", id: a.id })));
    const declaredKeys = new Set(declaredPermissions.map(permissionKey));
    const liveKeys = new Set(snapshot.permissions.map(permissionKey));
    for (const permission of snapshot.permissions) {
        if (declaredKeys.has(permissionKey(permission))) {
            add({ area: "permission", effect: "keep", subject: permissionName(permission, snapshot) });
        } else {
            add({ area: "permission", effect: "remove", subject: permissionName(permission, snapshot),
                fix: `${adoptCommand} --write keeps it (${CONFIG_NAMESPACE}:additionalPermissions ${formatApiPermission(permission)})` });
        }
    }
    for (const permission of declaredPermissions.filter((p) => !liveKeys.has(permissionKey(p)))) {
        add({ area: "permission", effect: "add", subject: permissionName(permission, snapshot) });
    }

    // The api block and other settings the stack does not manage are left as they are (ignoreChanges).
    const personal = admitsPersonalAccounts(settings.signInAudience);
    if (personal && snapshot.api.requestedAccessTokenVersion !== 2) {
        add({ area: "api", effect: "change", subject: "access token version",
            detail: `${snapshot.api.requestedAccessTokenVersion ?? "default (1)"} becomes 2, which Microsoft requires for personal accounts` });
    }
    const untouched: Array<[string, number]> = [
        ["exposed API scopes (api.oauth2PermissionScopes)", snapshot.api.oauth2PermissionScopes],
        ["known client applications (api.knownClientApplications)", snapshot.api.knownClientApplications],
        ["application ID URIs (identifierUris)", snapshot.identifierUris.length],
        ["app roles (appRoles)", snapshot.appRoles],
    ];
    for (const [what, count] of untouched.filter(([, n]) => n > 0)) {
        add({ area: "api", effect: "keep", subject: `${count} ${what}`, detail: "not managed by the stack; left as they are" });
    }
    if (snapshot.api.preAuthorizedApplications > 0) {
        // azuread's Application has no input for them (its ApplicationPreAuthorized resource manages them).
        add({ area: "api", effect: "keep", subject: `${snapshot.api.preAuthorizedApplications} pre-authorized applications (api.preAuthorizedApplications)`,
            detail: "no input of the stack's application; not verified against a live tenant that its update leaves them: check them after pulumi up" });
    }

    // Client secrets: the stack never removes one it did not make, but needs room for its own.
    const limit = audienceLimits(settings.signInAudience).maxClientSecrets;
    for (const secret of snapshot.secrets) {
        add({ area: "client secret", effect: "keep", subject: `${secret.keyId} ("${secret.displayName ?? ""}", expires ${secret.endDateTime})`,
            detail: "not managed by the stack" });
    }
    if (limit !== undefined && snapshot.secrets.length + STACK_SECRET_SLOTS > limit) {
        const removable = snapshot.secrets.slice(0, snapshot.secrets.length + STACK_SECRET_SLOTS - limit).map((s) => s.keyId);
        add({ area: "client secret", effect: "fails",
            subject: `${snapshot.secrets.length} existing + ${STACK_SECRET_SLOTS} of the stack > ${limit}`,
            detail: `${settings.signInAudience} allows ${limit} client secrets and the stack's rotation holds ${STACK_SECRET_SLOTS} at once; ` +
                "pulumi up (or its next rotation) would fail with TooManyAppPasswords",
            fix: `once nothing uses it, remove ${removable.join(", ")} in the Entra admin center (App registrations > Certificates & secrets)` });
    }

    // Tenant-wide admin consent.
    const grant = snapshot.adminConsentGrant;
    const mailScopes = MAIL_DELEGATED_SCOPES.map((s) => s.name);
    if (grant === undefined) {
        if (settings.grantAdminConsent) {
            add({ area: "admin consent", effect: "add", subject: `tenant-wide grant of ${mailScopes.join(" ")}` });
        }
    } else if (!settings.grantAdminConsent) {
        add({ area: "admin consent", effect: "keep", subject: `grant ${grant.id} (${grant.scopes.join(" ")})`,
            detail: "grantAdminConsent is false: the stack leaves it alone" });
    } else if (settings.adoptAdminConsentGrantId !== grant.id) {
        add({ area: "admin consent", effect: "fails", subject: `grant ${grant.id} (${grant.scopes.join(" ")})`,
            detail: "creating the stack's grant would fail with 409 \"Permission entry already exists\"",
            fix: `${adoptCommand} --write imports it, or: ${config({ key: "adoptAdminConsentGrantId", value: grant.id })}` });
    } else {
        add({ area: "admin consent", effect: "keep", subject: `grant ${grant.id}`, detail: "imported; retained on pulumi destroy" });
        for (const scope of grant.scopes.filter((s) => !mailScopes.includes(s))) {
            add({ area: "admin consent", effect: "remove", subject: `consented scope ${scope}`,
                fix: `${config({ key: "grantAdminConsent", value: "false" }, { key: "adoptAdminConsentGrantId" })} ` +
                    "(the stack then leaves the grant as it is)" });
        }
        for (const scope of mailScopes.filter((s) => !grant.scopes.includes(s))) {
            add({ area: "admin consent", effect: "add", subject: `consented scope ${scope}` });
        }
    }

    add(snapshot.servicePrincipalId === undefined
        ? { area: "service principal", effect: "add", subject: "created for the application" }
        : { area: "service principal", effect: "keep", subject: snapshot.servicePrincipalId,
            detail: "taken over; never deleted by the stack (retained on pulumi destroy)" });

    // The deployer must be able to update the application on the first run.
    const isOwner = snapshot.owners.some((o) => o.id === deployer.objectId);
    if (isOwner) {
        add({ area: "deployer", effect: "keep", subject: `${deployer.objectId} (${deployer.kind}) is an owner` });
    } else if (deployer.updatesAnyApplication !== undefined) {
        add({ area: "deployer", effect: "keep", subject: `${deployer.objectId} (${deployer.kind}) is not an owner`,
            detail: `${deployer.updatesAnyApplication} lets it update the application; the stack makes it an owner` });
    } else {
        add({ area: "deployer", effect: "fails", subject: `${deployer.objectId} (${deployer.kind}) is not an owner`,
            detail: deployer.rightsNotKnown === undefined
                ? "with Application.ReadWrite.OwnedBy (or as Application Developer) it may change only applications it owns: " +
                    "pulumi up would fail with 403"
                : `its rights are not known (${deployer.rightsNotKnown}): unless it holds Application.ReadWrite.All or an ` +
                    "application administrator role, pulumi up would fail with 403",
            fix: `an owner or administrator adds it: az ad app owner add --id ${snapshot.appId} --owner-object-id ${deployer.objectId}` });
    }

    // What the tenant's app-management policy would refuse on the first run.
    const notes: string[] = [];
    if (!policies.readable) {
        notes.push(`App-management policies: ${policies.reason}.`);
    } else {
        const verdict = judgePolicies(policies, { applicationCreatedAt: snapshot.createdDateTime, now });
        for (const problem of policyProblems(verdict, {
            stack: settings.stack, schedule: settings.rotation, signInAudience: settings.signInAudience, clientId: snapshot.appId,
        })) {
            add({ area: "app-management policy", effect: "fails", subject: problem.code, detail: problem.problem, fix: problem.fix });
        }
    }

    const losses = items.filter((i) => i.effect === "remove").length;
    const failures = items.filter((i) => i.effect === "fails").length;
    return {
        stack: settings.stack, objectId: snapshot.objectId, clientId: snapshot.appId, displayName: snapshot.displayName,
        deployer, items, notes, losses, failures, exitCode: losses + failures > 0 ? 1 : 0,
    };
}
