/**
 * The emulated Entra directory: applications, service principals, app role assignments, delegated
 * permission grants, and the client secrets' values (kept apart, as Entra never returns them after
 * creation). Tests read and change it directly to stage each situation.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../../src/registration/graph-identifiers";

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

export interface Application {
    id: string;
    appId: string;
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

/** Microsoft Graph's application roles this project grants (published IDs, see src/operations/bootstrap/). */
export const GRAPH_APP_ROLES: readonly AppRole[] = [
    { id: "18a4783c-866b-4cc7-a460-3d5e5662c884", value: "Application.ReadWrite.OwnedBy", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Manage apps that this app creates or owns" },
    { id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", value: "Application.Read.All", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Read all applications" },
    { id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", value: "Application.ReadWrite.All", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Read and write all applications" },
    { id: "8e8e4742-1d95-4f68-9d56-6ee75648c72a", value: "DelegatedPermissionGrant.ReadWrite.All", allowedMemberTypes: ["Application"], isEnabled: true, displayName: "Manage all delegated permission grants" },
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
    /** Owners' object IDs (users or service principals) per application object ID. */
    readonly owners = new Map<string, string[]>();

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
        const expires = new Date(now + (options.secretValidDays ?? 180) * 86400_000);
        const { credential, secretText } = this.addPassword(app, "nocobase-entra-mail", expires, now - 3600_000);
        this.secretAddedAt.set(credential.keyId, now - 3600_000);
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
            clientSecretExpiresAt: expires.toISOString(),
            // Not due yet, as after a run on schedule: the secret expires after the next rotation.
            nextRotationAt: new Date(now + (options.secretValidDays ?? 180) * 86400_000 / 2).toISOString(),
            nocobaseClientIdVariable: "MICROSOFT_MAIL_CLIENT_ID",
            nocobaseClientSecretVariable: "MICROSOFT_MAIL_CLIENT_SECRET",
            nocobaseApiUrl: `https://${options.environment}.nocobase.example/api`,
        };
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
