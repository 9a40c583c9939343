/**
 * The Entra ID application NocoBase's Email Manager signs users in with: application, service principal,
 * optional tenant-wide admin consent, and two client-secret slots that take turns (secret-rotation.ts).
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { adoptionChangeProblem } from "./adoption-change";
import { ApiPermission, requiredResourceAccesses } from "./kept-settings";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "./graph-identifiers";
import { RotationOutput } from "./rotation-record";
import {
    INHERITED_IGNORED_INPUTS, PastedHold, planRotation, RotationPlan, RotationPolicy, RotationRecord, rfc3339, SLOT_NAMES, SlotName,
    SlotRecord, slotInputs,
} from "./secret-rotation";
import { admitsPersonalAccounts, DEFAULT_SIGN_IN_AUDIENCE, SignInAudience } from "./sign-in-audience";

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
    /** What the last successful run recorded (stack output `secretRotation`); default none, a new stack. */
    readonly previousRotation?: RotationRecord;
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
    readonly additionalPermissions?: pulumi.Input<readonly ApiPermission[]>;
    /** ID of an existing tenant-wide grant to import when granting admin consent. Default none. */
    readonly adoptAdminConsentGrantId?: string;
    /** When an administrator pastes the secret into Email Settings: the confirmed one, never made anew. Default none (variables). */
    readonly pasted?: PastedHold;
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
    /** The client-secret slots that exist after this run ("b" is made by the first rotation). */
    public readonly secretSlots: Readonly<Partial<Record<SlotName, azuread.ApplicationPassword>>>;
    /** This run's rotation decision: slots, the slot NocoBase is to hold, what rotates and why. */
    public readonly rotationPlan: RotationPlan;
    public readonly adminConsent: azuread.ServicePrincipalDelegatedPermissionGrant | undefined;
    public readonly clientId: pulumi.Output<string>;
    public readonly tenantId: pulumi.Output<string>;
    public readonly applicationObjectId: pulumi.Output<string>;
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** Value of the secret NocoBase is to hold (secret). */
    public readonly clientSecretValue: pulumi.Output<string>;
    /** Key ID of the secret NocoBase is to hold. */
    public readonly clientSecretKeyId: pulumi.Output<string>;
    public readonly clientSecretExpiresAt: pulumi.Output<string>;
    /** The first `pulumi up` at or after this instant rotates the secret. */
    public readonly nextRotationAt: string;
    /** The record to export as `secretRotation`: which slot NocoBase is to hold, each slot's key ID and spec. */
    public readonly rotationRecord: pulumi.Output<RotationOutput>;

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
            const problem = adoptionChangeProblem(pulumi.getStack(), managed, args.adoptApplicationObjectId);
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
            singlePageApplication: redirectBlock(args.spaRedirectUris),
            publicClient: redirectBlock(args.publicClientRedirectUris),
            requiredResourceAccesses: pulumi.output(args.additionalPermissions ?? []).apply((kept) => requiredResourceAccesses(kept)),
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

        this.rotationPlan = planRotation(args.previousRotation, args.rotation, args.now ?? new Date(), args.pasted);
        const slots: Partial<Record<SlotName, azuread.ApplicationPassword>> = {};
        for (const slot of SLOT_NAMES) {
            const spec = this.rotationPlan.slots[slot];
            if (spec === undefined) {
                continue;
            }
            const rotating = this.rotationPlan.rotation?.slot === slot;
            slots[slot] = new azuread.ApplicationPassword(`${name}-client-secret-${slot}`, {
                applicationId: this.application.id,
                ...slotInputs(args.secretLabel, slot, spec),
            }, {
                parent: this,
                // Slot "a" is the single secret of the earlier layout, kept in place rather than replaced.
                aliases: slot === "a" ? [{ name: `${name}-client-secret` }] : undefined,
                // The slot being rotated is one NocoBase does not hold: deleting it first keeps the count of
                // secrets at two, Microsoft's limit for personal-account audiences. Any other replacement (none
                // is expected: kept slots get their recorded inputs) stays create-before-delete.
                deleteBeforeReplace: rotating && this.rotationPlan.rotation?.deleteBeforeReplace === true ? true : undefined,
                // The earlier layout's exact inputs are not recorded; keep whatever its state holds.
                ignoreChanges: spec.kind === "inherited" ? [...INHERITED_IGNORED_INPUTS] : undefined,
            });
        }
        this.secretSlots = slots;
        const held = slots[this.rotationPlan.nocobaseSlot];
        if (held === undefined) {
            throw new Error(`rotation plan without a secret in NocoBase's slot ${this.rotationPlan.nocobaseSlot}`);
        }

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
        this.clientSecretValue = pulumi.secret(held.value);
        this.clientSecretKeyId = held.keyId;
        this.clientSecretExpiresAt = held.endDate;
        this.nextRotationAt = rfc3339(this.rotationPlan.nextRotationAt);
        this.rotationRecord = rotationOutput(this.rotationPlan, slots);

        this.registerOutputs({
            clientId: this.clientId,
            tenantId: this.tenantId,
            applicationObjectId: this.applicationObjectId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            clientSecretKeyId: this.clientSecretKeyId,
            clientSecretExpiresAt: this.clientSecretExpiresAt,
            nextRotationAt: this.nextRotationAt,
            rotationRecord: this.rotationRecord,
        });
    }
}

/** The record of a plan, with the key IDs Entra gave the slots. */
function rotationOutput(plan: RotationPlan, slots: Partial<Record<SlotName, azuread.ApplicationPassword>>): pulumi.Output<RotationOutput> {
    const keyIds = SLOT_NAMES.map((slot) => slots[slot]?.keyId ?? pulumi.output(undefined));
    return pulumi.all(keyIds).apply((ids) => {
        const recorded = (index: number): SlotRecord | null => {
            const spec = plan.slots[SLOT_NAMES[index]];
            const keyId = ids[index];
            return spec === undefined || keyId === undefined ? null : { ...spec, keyId };
        };
        return { nocobaseSlot: plan.nocobaseSlot, slots: { a: recorded(0), b: recorded(1) } };
    });
}

/**
 * A platform's redirect URIs, absent while there are none: a registration without the platform (most, and
 * every one made by hand for mail alone) then shows no change.
 */
function redirectBlock(uris: pulumi.Input<pulumi.Input<string>[]> | undefined): pulumi.Output<{ redirectUris: string[] }> {
    // An Output that resolves to undefined leaves the property unset, as an absent one does.
    return pulumi.output(uris ?? []).apply((list) => list.length > 0 ? { redirectUris: list } : undefined) as pulumi.Output<{ redirectUris: string[] }>;
}
