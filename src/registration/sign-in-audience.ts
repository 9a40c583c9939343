/**
 * Microsoft Entra's sign-in audiences and the limits Microsoft enforces for each ("Validation differences
 * by supported account types" in Microsoft's identity platform documentation).
 */

export const SIGN_IN_AUDIENCES = [
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
] as const;

export type SignInAudience = (typeof SIGN_IN_AUDIENCES)[number];

/** The account type the NocoBase guide prescribes: any organisation plus personal Microsoft accounts. */
export const DEFAULT_SIGN_IN_AUDIENCE: SignInAudience = "AzureADandPersonalMicrosoftAccount";

export interface AudienceLimits {
    /** Most redirect URIs the application may hold. */
    readonly maxRedirectUris: number;
    /** Most characters of a redirect URI. */
    readonly maxRedirectUriLength: number;
    /** Most characters of the display name. */
    readonly maxDisplayNameLength: number;
    /** Most client secrets the application may hold at once; undefined when Microsoft sets no small limit. */
    readonly maxClientSecrets: number | undefined;
    /** Whether access tokens must be v2 (`api.requestedAccessTokenVersion = 2`). */
    readonly requiresV2AccessTokens: boolean;
}

const ORGANIZATION_LIMITS: AudienceLimits = {
    maxRedirectUris: 256,
    maxRedirectUriLength: 256,
    maxDisplayNameLength: 120,
    maxClientSecrets: undefined,
    requiresV2AccessTokens: false,
};

const PERSONAL_ACCOUNT_LIMITS: AudienceLimits = {
    maxRedirectUris: 100,
    maxRedirectUriLength: 256,
    maxDisplayNameLength: 90,
    maxClientSecrets: 2,
    requiresV2AccessTokens: true,
};

export function isSignInAudience(value: string): value is SignInAudience {
    return (SIGN_IN_AUDIENCES as readonly string[]).includes(value);
}

/** Whether the audience admits personal Microsoft accounts (Outlook.com, Hotmail). */
export function admitsPersonalAccounts(audience: SignInAudience): boolean {
    return audience === "AzureADandPersonalMicrosoftAccount" || audience === "PersonalMicrosoftAccount";
}

export function audienceLimits(audience: SignInAudience): AudienceLimits {
    return admitsPersonalAccounts(audience) ? PERSONAL_ACCOUNT_LIMITS : ORGANIZATION_LIMITS;
}
