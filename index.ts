// The Pulumi program: validate the stack's configuration, declare the Entra registration NocoBase's mail
// needs, hand its client ID and secret to NocoBase when an API token is configured, export the outputs.
import * as pulumi from "@pulumi/pulumi";
import { formatApiPermission } from "./src/adoption/kept-settings";
import { MailAppRegistration } from "./src/components/mail-app-registration";
import { NocobaseMailVariables } from "./src/nocobase/variables";
import { currentInstant, readStackSettings } from "./src/stack-config";

const settings = readStackSettings();
const webRedirectUris = [...settings.redirectUris, ...settings.additionalWebRedirectUris];

// The stack's own outputs of its last run: which application it manages, so that a changed
// adoptApplicationObjectId is refused instead of swapping the application.
const lastRun = new pulumi.StackReference("nocobase-mail-last-run", {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
});

const registration = new MailAppRegistration("nocobase-mail", {
    displayName: settings.displayName,
    signInAudience: settings.signInAudience,
    redirectUris: webRedirectUris,
    owners: [...settings.owners],
    rotation: settings.rotation,
    now: currentInstant(),
    secretLabel: settings.stack,
    grantAdminConsent: settings.grantAdminConsent,
    adoptApplicationObjectId: settings.adoptApplicationObjectId,
    managedApplicationObjectId: lastRun.getOutput("applicationObjectId") as pulumi.Output<string | undefined>,
    spaRedirectUris: settings.spaRedirectUris.length > 0 ? [...settings.spaRedirectUris] : undefined,
    publicClientRedirectUris: settings.publicClientRedirectUris.length > 0 ? [...settings.publicClientRedirectUris] : undefined,
    additionalPermissions: settings.additionalPermissions,
    adoptAdminConsentGrantId: settings.adoptAdminConsentGrantId,
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
    });
}

export const environment = settings.stack;
export const clientId = registration.clientId;
export const tenantId = registration.tenantId;
export const applicationObjectId = registration.applicationObjectId;
export const servicePrincipalObjectId = registration.servicePrincipalObjectId;
export const displayName = settings.displayName;
export const signInAudience = settings.signInAudience;
export const redirectUris = webRedirectUris;
export const owners = settings.owners;
export const additionalPermissions = settings.additionalPermissions.map(formatApiPermission);
export const adminConsent = settings.grantAdminConsent;
export const clientSecret = registration.clientSecretValue;
export const clientSecretKeyId = registration.clientSecretKeyId;
export const clientSecretExpiresAt = registration.clientSecretExpiresAt;
export const nextRotationAt = registration.nextRotationAt;
export const nocobaseApiUrl = settings.nocobaseTarget.apiUrl;
export const nocobaseSubApp = settings.nocobaseSubApp ?? "";
export const nocobaseClientIdVariable = settings.nocobaseTarget.clientIdVariable;
export const nocobaseClientSecretVariable = settings.nocobaseTarget.clientSecretVariable;
