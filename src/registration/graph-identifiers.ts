/**
 * Microsoft Graph identifiers the mail registration uses. The scope IDs are Microsoft's published
 * delegated-permission IDs (Graph permissions reference), cross-checked against several public manifests.
 */

/** Entra's object IDs, client IDs and tenant IDs are all GUIDs. */
export function isGuid(value: string): boolean {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** Client ID of the Microsoft Graph resource application, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** A delegated permission (an `oauth2PermissionScope` of Microsoft Graph). */
interface DelegatedScope {
    readonly name: string;
    readonly id: string;
}

/**
 * The delegated permissions NocoBase's Email Manager needs for Outlook mailboxes, in the stable order the
 * registration lists them (a changed order would show as a diff on every run).
 */
export const MAIL_DELEGATED_SCOPES: readonly DelegatedScope[] = Object.freeze([
    { name: "email", id: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0" },
    { name: "offline_access", id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182" },
    { name: "IMAP.AccessAsUser.All", id: "652390e4-393a-48de-9484-05f9b1212954" },
    { name: "SMTP.Send", id: "258f6531-6087-4cc4-bb90-092c5fb3ed3f" },
    { name: "User.Read", id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d" },
]);
