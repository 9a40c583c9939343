/**
 * The Entra ID application NocoBase's Email Manager signs users in with: application, service principal,
 * optional tenant-wide admin consent, and a client secret that rotates by window.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { adoptionChangeProblem } from "../adoption/adoption-change";
import { ApiPermission, requiredResourceAccesses } from "../adoption/kept-settings";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../microsoft-graph";
import {
    RotationPolicy, rotationTriggers, rotationWindow, rfc3339, secretDisplayName,
} from "../secret-rotation";
import { admitsPersonalAccounts, DEFAULT_SIGN_IN_AUDIENCE, SignInAudience } from "../sign-in-audience";

export interface MailAppRegistrationArgs {
    /** Name of the registration in Entra ID. */
    readonly displayName: pulumi.Input<string>;
    /** Who may sign in; decides the access-token version. Default "AzureADandPersonalMicrosoftAccount". */
    readonly signInAudience?: SignInAudience;
    /** Web redirect URIs: NocoBase's mail OAuth callbacks. */
    readonly redirectUris: pulumi.Input<pulumi.Input<string>[]>;
    /** Owners besides the deploying identity, which is always an owner. Default none. */
    readonly owners?: pulumi.Input<pulumi.Input<string>[]>;
    /** Secret rotation period, lifetime and generation (plain: they decide the secret's identity). */
    readonly rotation: RotationPolicy;
    /** The instant the rotation window is computed for; default the clock. */
    readonly now?: Date;
    /** Label that tells secrets of different stacks apart in Entra, usually the stack name. */
    readonly secretLabel: string;
    /** Grant the delegated scopes tenant-wide (admin consent). Default false. */
    readonly grantAdminConsent?: boolean;
    /** Object ID of an existing registration to import instead of creating one. Default none. */
    readonly adoptApplicationObjectId?: string;
    /** Object ID of the application the stack managed in its last run; a different adopted ID is refused. Default none. */
    readonly managedApplicationObjectId?: pulumi.Input<string | undefined>;
    /** Single-page-application redirect URIs to keep. Default none. */
    readonly spaRedirectUris?: pulumi.Input<pulumi.Input<string>[]>;
    /** Public-client (mobile and desktop) redirect URIs to keep. Default none. */
    readonly publicClientRedirectUris?: pulumi.Input<pulumi.Input<string>[]>;
    /** Permissions to keep besides the five mail scopes (plain: they decide the permission list's order). Default none. */
    readonly additionalPermissions?: readonly ApiPermission[];
    /** ID of an existing tenant-wide grant to import when granting admin consent. Default none. */
    readonly adoptAdminConsentGrantId?: string;
}

/**
 * Application settings NocoBase mail does not manage. The provider sends them on every update (empty when
 * not declared); ignoring them makes it send the values in the stack's state instead, which for an
 * adopted registration are the ones read at import.
 */
export const UNMANAGED_APPLICATION_PROPERTIES: readonly string[] = Object.freeze([
    "api.knownClientApplications", "api.mappedClaimsEnabled", "api.oauth2PermissionScopes",
    "appRoles", "description", "deviceOnlyAuthEnabled", "fallbackPublicClientEnabled", "featureTags",
    "groupMembershipClaims", "identifierUris", "logoImage", "marketingUrl", "notes", "oauth2PostResponseRequired",
    "optionalClaims", "privacyStatementUrl", "serviceManagementReference", "supportUrl", "tags",
    "termsOfServiceUrl", "web.homepageUrl", "web.implicitGrant", "web.logoutUrl",
]);

export class MailAppRegistration extends pulumi.ComponentResource {
    public readonly application: azuread.Application;
    public readonly servicePrincipal: azuread.ServicePrincipal;
    public readonly clientSecret: azuread.ApplicationPassword;
    public readonly adminConsent: azuread.ServicePrincipalDelegatedPermissionGrant | undefined;
    public readonly clientId: pulumi.Output<string>;
    public readonly tenantId: pulumi.Output<string>;
    public readonly applicationObjectId: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The client secret's value (secret). */
    public readonly clientSecretValue: pulumi.Output<string>;
    public readonly clientSecretKeyId: pulumi.Output<string>;
    public readonly clientSecretExpiresAt: pulumi.Output<string>;
    /** The first `pulumi up` at or after this instant rotates the secret. */
    public readonly nextRotationAt: string;

    constructor(name: string, args: MailAppRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("nocobase-entra-mail:entra:MailAppRegistration", name, {}, opts);

        const audience = args.signInAudience ?? DEFAULT_SIGN_IN_AUDIENCE;
        const deployer = azuread.getClientConfigOutput({ parent: this });
        // The provider drops its caller from the owners after create unless listed; a deployer holding only
        // Application.ReadWrite.OwnedBy would then lose the application.
        const owners = pulumi.all([deployer.objectId, args.owners ?? []])
            .apply(([self, extra]) => [...new Set([self, ...extra])]);

        const adopted = args.adoptApplicationObjectId !== undefined;
        // Resolves before the application is registered, so a refused adoption change registers nothing.
        const adoptionUnchanged = pulumi.output(args.managedApplicationObjectId).apply((managed): pulumi.Resource[] => {
            const problem = adoptionChangeProblem(managed, args.adoptApplicationObjectId);
            if (problem !== undefined) {
                throw new pulumi.RunError(problem);
            }
            return [];
        });
        const organisationOnly = !admitsPersonalAccounts(audience);

        this.application = new azuread.Application(`${name}-application`, {
            displayName: args.displayName,
            signInAudience: audience,
            // Graph refuses personal-account audiences unless v2 tokens are requested in the same request.
            api: organisationOnly ? undefined : { requestedAccessTokenVersion: 2 },
            web: { redirectUris: args.redirectUris },
            singlePageApplication: args.spaRedirectUris === undefined ? undefined : { redirectUris: args.spaRedirectUris },
            publicClient: args.publicClientRedirectUris === undefined ? undefined : { redirectUris: args.publicClientRedirectUris },
            requiredResourceAccesses: requiredResourceAccesses(args.additionalPermissions ?? []),
            owners,
        }, {
            parent: this,
            dependsOn: adoptionUnchanged,
            import: adopted ? `/applications/${args.adoptApplicationObjectId}` : undefined,
            // Nothing adopted is ever deleted by the stack, neither by destroy nor by a replacement.
            retainOnDelete: adopted ? true : undefined,
            // The token version is NocoBase mail's only for personal-account audiences, where Graph requires 2.
            ignoreChanges: organisationOnly
                ? [...UNMANAGED_APPLICATION_PROPERTIES, "api.requestedAccessTokenVersion"] : [...UNMANAGED_APPLICATION_PROPERTIES],
        });

        this.servicePrincipal = new azuread.ServicePrincipal(`${name}-service-principal`, {
            clientId: this.application.clientId,
            owners,
            // An adopted registration usually has its service principal already; take it over instead of
            // failing with "already exists".
            useExisting: adopted ? true : undefined,
        }, { parent: this, retainOnDelete: adopted ? true : undefined });

        const window = rotationWindow(args.now ?? new Date(), args.rotation);
        // Replacement is create-before-delete (Pulumi's default): the new secret exists, and everything that
        // consumes it is updated, before the old one is removed.
        this.clientSecret = new azuread.ApplicationPassword(`${name}-client-secret`, {
            applicationId: this.application.id,
            displayName: secretDisplayName(args.secretLabel, window, args.rotation),
            endDate: rfc3339(window.expiresAt),
            rotateWhenChanged: rotationTriggers(window, args.rotation),
        }, { parent: this });

        if (args.grantAdminConsent === true) {
            const graph = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { parent: this });
            this.adminConsent = new azuread.ServicePrincipalDelegatedPermissionGrant(`${name}-admin-consent`, {
                servicePrincipalObjectId: this.servicePrincipal.objectId,
                resourceServicePrincipalObjectId: graph.objectId,
                claimValues: MAIL_DELEGATED_SCOPES.map((scope) => scope.name),
            }, {
                parent: this,
                // A grant made in the portal is taken over: creating another fails with 409 "Permission entry
                // already exists". Replacement stays create-before-delete: it happens only for another client
                // or resource, so the new grant does not collide with the retained one.
                import: args.adoptAdminConsentGrantId === undefined ? undefined : `/oauth2PermissionGrants/${args.adoptAdminConsentGrantId}`,
                retainOnDelete: args.adoptAdminConsentGrantId === undefined ? undefined : true,
            });
        }

        this.clientId = this.application.clientId;
        this.tenantId = deployer.tenantId;
        this.applicationObjectId = this.application.objectId;
        this.servicePrincipalObjectId = this.servicePrincipal.objectId;
        this.clientSecretValue = pulumi.secret(this.clientSecret.value);
        this.clientSecretKeyId = this.clientSecret.keyId;
        this.clientSecretExpiresAt = this.clientSecret.endDate;
        this.nextRotationAt = rfc3339(window.nextRotationAt);

        this.registerOutputs({
            clientId: this.clientId,
            tenantId: this.tenantId,
            applicationObjectId: this.applicationObjectId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            clientSecretKeyId: this.clientSecretKeyId,
            clientSecretExpiresAt: this.clientSecretExpiresAt,
            nextRotationAt: this.nextRotationAt,
        });
    }
}
