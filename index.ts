// The Pulumi program: validate the stack's configuration, declare the Entra registration NocoBase's mail
// needs, hand its client ID and secret to NocoBase when an API token is configured, export the outputs.
import { MailAppRegistration } from "./src/components/mail-app-registration";
import { NocobaseMailVariables } from "./src/nocobase/variables";
import { currentInstant, readStackSettings } from "./src/stack-config";

const settings = readStackSettings();

const registration = new MailAppRegistration("nocobase-mail", {
    displayName: settings.displayName,
    signInAudience: settings.signInAudience,
    redirectUris: [...settings.redirectUris],
    owners: [...settings.owners],
    rotation: settings.rotation,
    now: currentInstant(),
    secretLabel: settings.stack,
    grantAdminConsent: settings.grantAdminConsent,
    adoptApplicationObjectId: settings.adoptApplicationObjectId,
});

// Depends on the current secret: in a rotation Pulumi creates the new secret, updates NocoBase, and only
// then deletes the old secret.
if (settings.nocobase !== undefined) {
    new NocobaseMailVariables("nocobase-mail-variables", {
        apiUrl: settings.nocobase.apiUrl,
        appName: settings.nocobaseSubApp,
        clientIdVariable: settings.nocobase.clientIdVariable,
        clientSecretVariable: settings.nocobase.clientSecretVariable,
        clientId: registration.clientId,
        clientSecret: registration.clientSecretValue,
        clientSecretKeyId: registration.clientSecretKeyId,
        tenantId: registration.tenantId,
        signInAudience: settings.signInAudience,
    });
}

export const environment = settings.stack;
export const clientId = registration.clientId;
export const tenantId = registration.tenantId;
export const applicationObjectId = registration.applicationObjectId;
export const servicePrincipalObjectId = registration.servicePrincipalObjectId;
export const displayName = settings.displayName;
export const signInAudience = settings.signInAudience;
export const redirectUris = settings.redirectUris;
export const adminConsent = settings.grantAdminConsent;
export const clientSecret = registration.clientSecretValue;
export const clientSecretKeyId = registration.clientSecretKeyId;
export const clientSecretExpiresAt = registration.clientSecretExpiresAt;
export const nextRotationAt = registration.nextRotationAt;
export const nocobaseApiUrl = settings.nocobaseTarget.apiUrl;
export const nocobaseSubApp = settings.nocobaseSubApp ?? "";
export const nocobaseClientIdVariable = settings.nocobaseTarget.clientIdVariable;
export const nocobaseClientSecretVariable = settings.nocobaseTarget.clientSecretVariable;
