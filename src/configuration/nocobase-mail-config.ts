/**
 * The stack's configuration as `NocobaseMail` inputs, for this project's own program (index.ts).
 */
import { formatApiPermission } from "../registration/kept-settings";
import type { NocobaseMailArgs } from "../nocobase-mail/nocobase-mail";
import type { NocobaseBaseUrl } from "../registration/redirect-uris";
import type { Settings } from "./settings";
import { readStackSettings } from "./stack-config";

/**
 * Reads and validates the stack's configuration: a mistake is refused here, before anything is declared,
 * with the messages naming the configuration keys. The component checks its inputs again by the same rules.
 */
export function readNocobaseMailArgs(): NocobaseMailArgs {
    return nocobaseMailArgs(readStackSettings());
}

/** Validated settings as inputs from which the component derives the same settings again. */
function nocobaseMailArgs(settings: Settings): NocobaseMailArgs {
    const [primary, ...extras] = settings.nocobaseUrls.map(baseUrlText);
    return {
        nocobaseUrl: primary,
        nocobaseSubApp: settings.nocobaseSubApp,
        extraNocobaseUrls: extras,
        displayName: settings.displayName,
        signInAudience: settings.signInAudience,
        secretRotationDays: settings.rotation.rotationDays,
        secretLifetimeDays: settings.rotation.lifetimeDays,
        secretGeneration: settings.rotation.generation,
        grantAdminConsent: settings.grantAdminConsent,
        owners: [...settings.owners],
        additionalWebRedirectUris: [...settings.additionalWebRedirectUris],
        spaRedirectUris: [...settings.spaRedirectUris],
        publicClientRedirectUris: [...settings.publicClientRedirectUris],
        additionalPermissions: settings.additionalPermissions.map(formatApiPermission),
        adoptAdminConsentGrantId: settings.adoptAdminConsentGrantId,
        adoptApplicationObjectId: settings.adoptApplicationObjectId,
        nocobaseApiUrl: settings.nocobaseTarget.apiUrl,
        nocobaseClientIdVariable: settings.nocobaseTarget.clientIdVariable,
        nocobaseClientSecretVariable: settings.nocobaseTarget.clientSecretVariable,
        emailSettings: settings.emailSettings,
        pastedSecretKeyId: settings.pastedSecretKeyId,
        handOverToNocobase: settings.nocobase !== undefined,
    };
}

function baseUrlText(url: NocobaseBaseUrl): string {
    return `${url.origin}${url.publicPath}`;
}
