// Generated from src/configuration/config-keys.ts by `npm run generate:config`: change the table, not this file.
import type * as pulumi from "@pulumi/pulumi";

/**
 * NocobaseMail's inputs: the configuration keys under the same names, defaults and rules. Plain values where
 * they decide which resources exist or which secret is replaced; an output of another resource elsewhere.
 */
export interface NocobaseMailArgs {
    /** URL at which users open NocoBase, including any public path (https://crm.example.com, https://example.com/nocobase); https, or http for localhost. Required. */
    readonly nocobaseUrl: pulumi.Input<string>;
    /** Name of a NocoBase sub-application (multi-app manager); its callback and variables live under /apps/<name>. Empty for the main application. Default: none. */
    readonly nocobaseSubApp?: pulumi.Input<string>;
    /** Further URLs of the same NocoBase (other host names); each gets its callback too. Default: []. */
    readonly extraNocobaseUrls?: pulumi.Input<pulumi.Input<string>[]>;
    /** Name of the app registration, at most 90 characters with personal accounts (120 otherwise). Default: NocoBase Email (<stack>). */
    readonly displayName?: pulumi.Input<string>;
    /** Who may sign in: AzureADMyOrg, AzureADMultipleOrgs, AzureADandPersonalMicrosoftAccount, PersonalMicrosoftAccount. Default: AzureADandPersonalMicrosoftAccount. A plain value, known when the program starts: it decides whether the stack manages the registration's access-token version, which Graph requires to be 2 for personal accounts. */
    readonly signInAudience?: string;
    /** Length of a rotation window in days: the first update in a new window replaces the secret slot NocoBase does not hold and moves NocoBase to it. Default: 60. A plain value, known when the program starts: it decides which rotation window is current, so whether this run replaces a client secret and which slot. */
    readonly secretRotationDays?: number;
    /** Days each client secret stays valid from its rotation window's start: at least 2 x secretRotationDays + 7 days of slack, at most 730. Default: 180. A plain value, known when the program starts: it decides each client secret's expiry, so whether this run replaces one. */
    readonly secretLifetimeDays?: number;
    /** The longest client secret in days the tenant's app-management policy allows (its passwordLifetime maxLifetime, e.g. P90D is 90); a longer secretLifetimeDays is refused before anything is created. 0 declares no cap. Default: 0. A plain value, known when the program starts: it is checked against secretLifetimeDays before any resource is declared, since Microsoft would refuse a longer secret. */
    readonly secretLifetimeCapDays?: number;
    /** Raise it to rotate the client secret now; the secret NocoBase held stays valid as the fallback. Default: 1. A plain value, known when the program starts: raising it replaces a client secret this run. */
    readonly secretGeneration?: number;
    /** Grant the delegated mail scopes tenant-wide (admin consent) for the users of the home tenant. Default: false. A plain value, known when the program starts: it decides whether the tenant-wide consent grant exists. */
    readonly grantAdminConsent?: boolean;
    /** Extra owner object IDs (users or service principals); the deploying identity is always an owner. Default: []. */
    readonly owners?: pulumi.Input<pulumi.Input<string>[]>;
    /** Object ID of an app registration made by hand, imported by the first update and never deleted by the stack (nocobase-entra-mail adopt --write sets it). Empty to create one. Default: none. A plain value, known when the program starts: it decides whether the registration is imported or created, and is compared with the one the stack manages. */
    readonly adoptApplicationObjectId?: string;
    /** Web redirect URIs the registration keeps besides NocoBase's callbacks (nocobase-entra-mail adopt --write sets them). Default: []. */
    readonly additionalWebRedirectUris?: pulumi.Input<pulumi.Input<string>[]>;
    /** Single-page-application redirect URIs the registration keeps. Default: []. */
    readonly spaRedirectUris?: pulumi.Input<pulumi.Input<string>[]>;
    /** Mobile and desktop (public client) redirect URIs the registration keeps. Default: []. */
    readonly publicClientRedirectUris?: pulumi.Input<pulumi.Input<string>[]>;
    /** Permissions kept besides the five mail scopes, each <resource app ID>/<Scope|Role>/<permission ID>. Default: []. */
    readonly additionalPermissions?: pulumi.Input<pulumi.Input<string>[]>;
    /** ID of a tenant-wide consent grant made in the portal, imported instead of created (needs grantAdminConsent). Empty to create one. Default: none. A plain value, known when the program starts: it decides whether the consent grant is imported or created. */
    readonly adoptAdminConsentGrantId?: string;
    /** NocoBase's HTTP API as the deployer reaches it (https, or http for localhost). Default: <nocobaseUrl>/api. */
    readonly nocobaseApiUrl?: pulumi.Input<string>;
    /** NocoBase variable (Variables and secrets) that receives the client ID. Default: MICROSOFT_EMAIL_CLIENT_ID. */
    readonly nocobaseClientIdVariable?: pulumi.Input<string>;
    /** NocoBase secret variable that receives the client secret. Default: MICROSOFT_EMAIL_CLIENT_SECRET. */
    readonly nocobaseClientSecretVariable?: pulumi.Input<string>;
    /** What NocoBase's Email Settings read: pasted (an administrator pastes client ID and secret; the confirmed secret is never deleted) or variables ({{$env...}} references). Default: <pasted for a new stack, variables for one deployed before>. A plain value, known when the program starts: it decides whether a rotation may replace the secret an administrator pasted. */
    readonly emailSettings?: string;
    /** Key ID of the client secret an administrator confirmed pasting into Email Settings (nocobase-entra-mail email-settings --stack <name> prints it); one of the stack's secrets, not with emailSettings variables. Default: none. A plain value, known when the program starts: it decides which secret slot a rotation must keep. */
    readonly pastedSecretKeyId?: string;
    /** Write client ID and secret into NocoBase's variables, with the API key from the secret configuration nocobase-entra-mail:nocobaseApiToken or NOCOBASE_API_TOKEN. Default: false. A plain value, known when the program starts: it decides whether the NocoBase hand-over resource exists. */
    readonly handOverToNocobase?: boolean;
}
