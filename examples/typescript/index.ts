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

// Read back by the next `pulumi up` (which secret NocoBase holds, which application the stack manages):
// keep these two outputs under these names.
export const secretRotation = mail.secretRotation;
export const applicationObjectId = mail.applicationObjectId;
export const mailClientId = mail.clientId;
export const mailTenantId = mail.tenantId;
export const mailSecretExpiresAt = mail.clientSecretExpiresAt;
export const mailClientSecret = mail.clientSecret;
