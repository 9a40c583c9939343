// A program that already describes a NocoBase deployment adds NocoBase mail with one component.
import * as pulumi from "@pulumi/pulumi";
import { NocobaseMail } from "nocobase-entra-mail";

const config = new pulumi.Config();

// Your description of NocoBase, reduced to what mail needs: where users open it and where the API is
// reached. The container app, database and DNS record that serve it would be declared here too.
const nocobase = {
    host: config.get("nocobaseHost") ?? "crm.example.com",
    internalApiUrl: "https://nocobase.internal.example.com/api",
};

// The API key for the hand-over comes from this stack's secret config, never from an input:
//   pulumi config set --secret nocobase-entra-mail:nocobaseApiToken <API key>
const mail = new NocobaseMail("nocobase-mail", {
    nocobaseUrl: `https://${nocobase.host}`,
    nocobaseApiUrl: nocobase.internalApiUrl,
    grantAdminConsent: true,
    handOverToNocobase: true,
});

// Every output of the component under its own name: the next `pulumi up` reads secretRotation and
// applicationObjectId back (which secret NocoBase holds, which application the stack manages), and the
// doctor and push-to-nocobase read the others from `pulumi stack output --json`. Renamed, they find nothing.
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
