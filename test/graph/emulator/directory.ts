/**
 * The emulated Entra directory: applications, service principals, app role assignments, delegated
 * permission grants, and the client secrets' values (kept apart, as Entra never returns them after
 * creation). Tests read and change it directly to stage each situation.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../../src/registration/graph-identifiers";
import { rfc3339, rotationWindow } from "../../../src/registration/secret-rotation";

interface ResourceAccess { id: string; type: "Scope" | "Role" }
interface RequiredResourceAccess { resourceAppId: string; resourceAccess: ResourceAccess[] }

interface PasswordCredential {
    keyId: string;
    displayName: string | null;
    hint: string;
    startDateTime: string;
    endDateTime: string;
    customKeyIdentifier: null;
    secretText: null;
}

export interface FederatedIdentityCredential {
    id: string;
    name: string;
    issuer: string;
    subject: string;
    audiences: string[];
    description: string | null;
}

interface ApiSettings {
    requestedAccessTokenVersion: number | null;
    oauth2PermissionScopes?: Array<{ id: string; value: string; isEnabled: boolean }>;
    knownClientApplications?: string[];
    preAuthorizedApplications?: Array<{ appId: string; delegatedPermissionIds: string[] }>;
}

/** A restriction of an app-management policy, as Graph returns it (`passwordCredentialConfiguration`, `audienceRestriction`). */
export interface PolicyRestriction {
    restrictionType?: "passwordAddition" | "passwordLifetime" | "symmetricKeyAddition" | "symmetricKeyLifetime" | "customPasswordAddition";
    state: "enabled" | "disabled";
    maxLifetime?: string | null;
    restrictForAppsCreatedAfterDateTime: string | null;
}

export interface PolicyRestrictions {
    passwordCredentials: PolicyRestriction[];
    keyCredentials: PolicyRestriction[];
    /** Beta in Microsoft Graph; served here as v1.0 would if it carried it. */
    audiences?: { azureAdMultipleOrgs?: PolicyRestriction; personalMicrosoftAccount?: PolicyRestriction };
}

/** The tenant's default app-management policy (`tenantAppManagementPolicy`). */
export interface TenantAppManagementPolicy {
    id: string;
    displayName: string;
    description: string;
    isEnabled: boolean;
    applicationRestrictions: PolicyRestrictions;
}

/** A policy assigned to applications (`appManagementPolicy`); assigned, it replaces the tenant default for them. */
export interface AppManagementPolicy {
    id: string;
    displayName: string;
    description: string;
    isEnabled: boolean;
    restrictions: PolicyRestrictions;
}

export interface Application {
    id: string;
    appId: string;
    createdDateTime: string;
    displayName: string;
    uniqueName: string | null;
    signInAudience: string;
    api: ApiSettings;
    web: { redirectUris: string[] };
    spa: { redirectUris: string[] };
    publicClient: { redirectUris: string[] };
    identifierUris: string[];
    requiredResourceAccess: RequiredResourceAccess[];
    passwordCredentials: PasswordCredential[];
    federatedIdentityCredentials: FederatedIdentityCredential[];
}

interface AppRole { id: string; value: string; allowedMemberTypes: string[]; isEnabled: boolean; displayName: string }
interface PermissionScope { id: string; value: string; type: string; isEnabled: boolean }

export interface ServicePrincipal {
    id: string;
    appId: string;
    displayName: string;
    appRoles: AppRole[];
    oauth2PermissionScopes: PermissionScope[];
}

interface AppRoleAssignment {
    id: string;
    principalId: string;
    principalType: "ServicePrincipal";
    resourceId: string;
    appRoleId: string;
    createdDateTime: string;
}

interface OAuth2PermissionGrant {
    id: string;
    clientId: string;
    consentType: "AllPrincipals" | "Principal";
    principalId: string | null;
    resourceId: string;
    scope: string;
}

export interface DirectoryUser {
    id: string;
    displayName: string;
    userPrincipalName: string;
}

/** An activated directory role of the tenant (Graph's `directoryRole`): its own object ID, and its template's. */
export interface DirectoryRole {
    id: string;
    displayName: string;
    roleTemplateId: string;
}

/** Microsoft Graph's application roles this project grants (published IDs, see src/operations/bootstrap/). */
export const GRAPH_APP_ROLES: readonly AppRole[] = [
    { id: "18a4783c-866b-4cc7-a460-3d5e5662c884", value: "Application.ReadWrite.OwnedBy", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Manage apps that this app creates or owns" },
    { id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", value: "Application.Read.All", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Read all applications" },
    { id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", value: "Application.ReadWrite.All", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Read and write all applications" },
    { id: "8e8e4742-1d95-4f68-9d56-6ee75648c72a", value: "DelegatedPermissionGrant.ReadWrite.All", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Manage all delegated permission grants" },
    { id: "246dd0d5-5bd0-4def-940b-0421030a5b68", value: "Policy.Read.All", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Read your organization's policies" },
];

/** The mail scopes as one space-separated string, the form an oauth2PermissionGrant holds them in. */
export const MAIL_GRANT_SCOPE = MAIL_DELEGATED_SCOPES.map((s) => s.name).join(" ");

/** A Graph delegated permission beyond the five mail scopes (published ID), for registrations made by hand. */
export const MAIL_READ_SCOPE = { id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", name: "Mail.Read" } as const;

const PERSONAL_AUDIENCES = new Set(["AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"]);

export function isPersonalAudience(audience: string): boolean {
    return PERSONAL_AUDIENCES.has(audience);
}

/** A secret value in the shape Entra makes them (40 characters, `~` inside); never a real one. */
function newSecretText(): string {
    const raw = randomBytes(30).toString("base64url");
    return `${raw.slice(0, 3)}8Q~${raw.slice(3, 37)}`;
}

export interface SeedEnvironmentOptions {
    readonly environment: string;
    readonly displayName?: string;
    readonly signInAudience?: string;
    readonly redirectUris?: readonly string[];
    readonly adminConsent?: boolean;
    /** Days until the stack's secret expires; default 180. */
    readonly secretValidDays?: number;
    /**
     * The stack's rotation schedule: the secret is then made for the current window, as the program makes it
     * (valid `lifetimeDays` from the window's start), and the outputs carry the `secretRotation` record.
     */
    readonly schedule?: { readonly rotationDays: number; readonly lifetimeDays: number };
}

/** What a stack run produced, in the shape of `pulumi stack output --json --show-secrets`. */
export interface SeededStackOutputs {
    environment: string;
    clientId: string;
    tenantId: string;
    applicationObjectId: string;
    servicePrincipalObjectId: string;
    displayName: string;
    signInAudience: string;
    redirectUris: string[];
    adminConsent: boolean;
    clientSecret: string;
    clientSecretKeyId: string;
    clientSecretExpiresAt: string;
    nextRotationAt: string;
    nocobaseClientIdVariable: string;
    nocobaseClientSecretVariable: string;
    nocobaseApiUrl: string;
    secretRotation?: unknown;
}

export class Directory {
    readonly applications = new Map<string, Application>();
    readonly servicePrincipals = new Map<string, ServicePrincipal>();
    readonly appRoleAssignments: AppRoleAssignment[] = [];
    readonly oauth2PermissionGrants: OAuth2PermissionGrant[] = [];
    /** Secret values by keyId: what the token endpoint compares against. */
    readonly secretValues = new Map<string, string>();
    /** When each object was created through the API (ms); seeded objects are old. */
    readonly createdAt = new Map<string, number>();
    /** When each secret was added (ms), for the token endpoint's propagation delay. */
    readonly secretAddedAt = new Map<string, number>();
    readonly graphServicePrincipal: ServicePrincipal;
    /** People of the tenant, by object ID (owners of applications). */
    readonly users = new Map<string, DirectoryUser>();
    /** Activated directory roles by template ID, and the object IDs of their members (people). */
    readonly directoryRoles = new Map<string, { role: DirectoryRole; members: Set<string> }>();
    /** Owners' object IDs (users or service principals) per application object ID. */
    readonly owners = new Map<string, string[]>();
    /** Disabled and empty, as in a tenant nobody configured. */
    readonly defaultAppManagementPolicy: TenantAppManagementPolicy = {
        id: "00000000-0000-0000-0000-000000000000",
        displayName: "Default app management tenant policy",
        description: "Default tenant policy that enforces app management restrictions on applications and service principals.",
        isEnabled: false,
        applicationRestrictions: { passwordCredentials: [], keyCredentials: [] },
    };
    readonly appManagementPolicies = new Map<string, AppManagementPolicy>();
    /** The policy assigned to each application (object ID to policy ID); at most one. */
    readonly assignedPolicies = new Map<string, string>();

    constructor(readonly tenantId: string) {
        this.graphServicePrincipal = {
            id: randomUUID(),
            appId: MICROSOFT_GRAPH_APP_ID,
            displayName: "Microsoft Graph",
            appRoles: GRAPH_APP_ROLES.map((r) => ({ ...r })),
            oauth2PermissionScopes: [...MAIL_DELEGATED_SCOPES, MAIL_READ_SCOPE].map((s) => ({ id: s.id, value: s.name, type: "User", isEnabled: true })),
        };
        this.servicePrincipals.set(this.graphServicePrincipal.id, this.graphServicePrincipal);
    }

    newApplication(fields: Partial<Application> & { displayName: string }): Application {
        const app: Application = {
            id: randomUUID(),
            appId: randomUUID(),
            createdDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
            uniqueName: null,
            signInAudience: "AzureADMyOrg",
            api: { requestedAccessTokenVersion: null },
            web: { redirectUris: [] },
            spa: { redirectUris: [] },
            publicClient: { redirectUris: [] },
            identifierUris: [],
            requiredResourceAccess: [],
            passwordCredentials: [],
            federatedIdentityCredentials: [],
            ...fields,
        };
        this.applications.set(app.id, app);
        return app;
    }

    newServicePrincipal(app: Application): ServicePrincipal {
        const sp: ServicePrincipal = {
            id: randomUUID(), appId: app.appId, displayName: app.displayName, appRoles: [], oauth2PermissionScopes: [],
        };
        this.servicePrincipals.set(sp.id, sp);
        return sp;
    }

    /** Adds a client secret and returns its value, as addPassword does. */
    addPassword(app: Application, displayName: string | null, endDateTime: Date, now: number): { credential: PasswordCredential; secretText: string } {
        const secretText = newSecretText();
        const credential: PasswordCredential = {
            keyId: randomUUID(),
            displayName,
            hint: secretText.slice(0, 3),
            startDateTime: new Date(now).toISOString(),
            endDateTime: endDateTime.toISOString(),
            customKeyIdentifier: null,
            secretText: null,
        };
        app.passwordCredentials.push(credential);
        this.secretValues.set(credential.keyId, secretText);
        return { credential, secretText };
    }

    /** Assigns a new policy to an application, as the portal's "Excluded apps" or an app-specific policy does. */
    assignPolicy(app: Application, fields: Partial<AppManagementPolicy> & { restrictions: PolicyRestrictions }): AppManagementPolicy {
        const policy: AppManagementPolicy = {
            id: randomUUID(), displayName: "app-specific policy", description: "", isEnabled: true, ...fields,
        };
        this.appManagementPolicies.set(policy.id, policy);
        this.assignedPolicies.set(app.id, policy.id);
        return policy;
    }

    /** Grants a Microsoft Graph application permission to a service principal, as an administrator's consent does. */
    grantGraphAppRole(servicePrincipalId: string, value: string): void {
        const role = this.graphServicePrincipal.appRoles.find((r) => r.value === value);
        if (!role) {
            throw new Error(`emulator: Microsoft Graph has no app role ${value}`);
        }
        this.appRoleAssignments.push({
            id: randomBytes(24).toString("base64url"), principalId: servicePrincipalId, principalType: "ServicePrincipal",
            resourceId: this.graphServicePrincipal.id, appRoleId: role.id, createdDateTime: new Date().toISOString(),
        });
    }

    /** Whether the caller (by client ID) holds a Microsoft Graph application permission. */
    callerHolds(clientId: string | undefined, value: string): boolean {
        const sp = clientId === undefined ? undefined : this.findServicePrincipalByAppId(clientId);
        const role = this.graphServicePrincipal.appRoles.find((r) => r.value === value);
        return sp !== undefined && role !== undefined &&
            this.appRoleAssignments.some((a) => a.principalId === sp.id && a.appRoleId === role.id && a.resourceId === this.graphServicePrincipal.id);
    }

    findApplicationByAppId(appId: string): Application | undefined {
        return [...this.applications.values()].find((a) => a.appId === appId);
    }

    findServicePrincipalByAppId(appId: string): ServicePrincipal | undefined {
        return [...this.servicePrincipals.values()].find((s) => s.appId === appId);
    }

    /** A client the tests call Graph as (the administrator or the deployer), with its secret. */
    seedCaller(displayName: string): { clientId: string; clientSecret: string; servicePrincipalId: string } {
        const app = this.newApplication({ displayName });
        const sp = this.newServicePrincipal(app);
        const { secretText } = this.addPassword(app, "test caller", new Date(Date.now() + 365 * 86400_000), Date.now() - 3600_000);
        return { clientId: app.appId, clientSecret: secretText, servicePrincipalId: sp.id };
    }

    /** An environment as a successful `pulumi up` of this project leaves it, with its stack outputs. */
    seedEnvironment(options: SeedEnvironmentOptions): SeededStackOutputs {
        const signInAudience = options.signInAudience ?? "AzureADandPersonalMicrosoftAccount";
        const displayName = options.displayName ?? `NocoBase mail (${options.environment})`;
        const redirectUris = [...(options.redirectUris ?? [`https://${options.environment}.nocobase.example/admin/settings/mail/oauth2`])];
        const app = this.newApplication({
            displayName,
            signInAudience,
            api: { requestedAccessTokenVersion: 2 },
            web: { redirectUris: [...redirectUris] },
            requiredResourceAccess: [{
                resourceAppId: MICROSOFT_GRAPH_APP_ID,
                resourceAccess: MAIL_DELEGATED_SCOPES.map((s) => ({ id: s.id, type: "Scope" as const })),
            }],
        });
        const sp = this.newServicePrincipal(app);
        const now = Date.now();
        const window = options.schedule === undefined ? undefined
            : rotationWindow(new Date(now), { ...options.schedule, generation: 1 });
        const expires = window?.expiresAt ?? new Date(now + (options.secretValidDays ?? 180) * 86400_000);
        const addedAt = window?.startsAt.getTime() ?? now - 3600_000;
        const { credential, secretText } = this.addPassword(app, "nocobase-entra-mail", expires, addedAt);
        this.secretAddedAt.set(credential.keyId, addedAt);
        if (options.adminConsent) {
            this.oauth2PermissionGrants.push({
                id: randomBytes(24).toString("base64url"), clientId: sp.id, consentType: "AllPrincipals", principalId: null,
                resourceId: this.graphServicePrincipal.id, scope: MAIL_GRANT_SCOPE,
            });
        }
        return {
            environment: options.environment,
            clientId: app.appId,
            tenantId: this.tenantId,
            applicationObjectId: app.id,
            servicePrincipalObjectId: sp.id,
            displayName,
            signInAudience,
            redirectUris,
            adminConsent: options.adminConsent ?? false,
            clientSecret: secretText,
            clientSecretKeyId: credential.keyId,
            clientSecretExpiresAt: window !== undefined ? rfc3339(expires) : expires.toISOString(),
            // Not due yet, as after a run on schedule: the secret expires after the next rotation.
            nextRotationAt: window !== undefined ? rfc3339(window.nextRotationAt)
                : new Date(now + (options.secretValidDays ?? 180) * 86400_000 / 2).toISOString(),
            ...(window === undefined ? {} : {
                secretRotation: {
                    nocobaseSlot: "a",
                    slots: {
                        a: { kind: "window", keyId: credential.keyId, windowStart: rfc3339(window.startsAt), generation: 1, expiresAt: rfc3339(window.expiresAt) },
                        b: null,
                    },
                },
            }),
            nocobaseClientIdVariable: "MICROSOFT_MAIL_CLIENT_ID",
            nocobaseClientSecretVariable: "MICROSOFT_MAIL_CLIENT_SECRET",
            nocobaseApiUrl: `https://${options.environment}.nocobase.example/api`,
        };
    }

    /** Assigns a person a directory role tenant-wide, activating the role in the tenant on its first assignment. */
    assignDirectoryRole(userId: string, roleTemplateId: string, displayName: string): void {
        let entry = this.directoryRoles.get(roleTemplateId);
        if (!entry) {
            entry = { role: { id: randomUUID(), displayName, roleTemplateId }, members: new Set() };
            this.directoryRoles.set(roleTemplateId, entry);
        }
        entry.members.add(userId);
    }

    newUser(displayName: string): DirectoryUser {
        const id = randomUUID();
        const user = { id, displayName, userPrincipalName: `${displayName.toLowerCase().replace(/[^a-z]+/g, ".")}@contoso.example` };
        this.users.set(id, user);
        return user;
    }

    /**
     * A registration clicked together in the portal: the given settings, owners, its service principal,
     * optionally a hand-made client secret and a tenant-wide consent grant to Microsoft Graph.
     */
    seedPortalRegistration(fields: Partial<Application> & { displayName: string }, extras: {
        readonly owners: readonly string[];
        readonly handMadeSecret?: boolean;
        readonly grantScope?: string;
    }): { application: Application; servicePrincipal: ServicePrincipal; secretText: string | undefined; grantId: string | undefined } {
        const application = this.newApplication(fields);
        this.owners.set(application.id, [...extras.owners]);
        const servicePrincipal = this.newServicePrincipal(application);
        const secretText = extras.handMadeSecret
            ? this.addPassword(application, "made in the portal", new Date(Date.now() + 300 * 86400_000), Date.now() - 86400_000).secretText
            : undefined;
        let grantId: string | undefined;
        if (extras.grantScope !== undefined) {
            grantId = randomBytes(24).toString("base64url");
            this.oauth2PermissionGrants.push({
                id: grantId, clientId: servicePrincipal.id, consentType: "AllPrincipals", principalId: null,
                resourceId: this.graphServicePrincipal.id, scope: extras.grantScope,
            });
        }
        return { application, servicePrincipal, secretText, grantId };
    }

    application(id: string): Application {
        const app = this.applications.get(id);
        if (!app) {
            throw new Error(`emulator: no application ${id}`);
        }
        return app;
    }
}
