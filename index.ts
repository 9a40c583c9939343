// The Pulumi program: read the stack's configuration, declare NocoBase mail (the Entra registration with its
// rotating secrets and, when an API token is configured, the hand-over to NocoBase), export its outputs.
// `secretRotation` must stay a stack output: the next run reads it back to know which secret NocoBase holds.
import { NocobaseMail } from "./src/nocobase-mail/nocobase-mail";
import { readNocobaseMailArgs } from "./src/configuration/nocobase-mail-config";

const mail = new NocobaseMail("nocobase-mail", readNocobaseMailArgs());

export const environment = mail.environment;
export const clientId = mail.clientId;
export const tenantId = mail.tenantId;
export const applicationObjectId = mail.applicationObjectId;
export const servicePrincipalObjectId = mail.servicePrincipalObjectId;
export const displayName = mail.displayName;
export const signInAudience = mail.signInAudience;
export const redirectUris = mail.redirectUris;
export const owners = mail.owners;
export const additionalPermissions = mail.additionalPermissions;
export const adminConsent = mail.adminConsent;
export const clientSecret = mail.clientSecret;
export const clientSecretKeyId = mail.clientSecretKeyId;
export const clientSecretExpiresAt = mail.clientSecretExpiresAt;
export const nextRotationAt = mail.nextRotationAt;
export const nextRotationReplacesSlot = mail.nextRotationReplacesSlot;
export const secretRotation = mail.secretRotation;
export const emailSettings = mail.emailSettings;
export const pastedSecret = mail.pastedSecret;
export const nocobaseApiUrl = mail.nocobaseApiUrl;
export const nocobaseSubApp = mail.nocobaseSubApp;
export const nocobaseClientIdVariable = mail.nocobaseClientIdVariable;
export const nocobaseClientSecretVariable = mail.nocobaseClientSecretVariable;
