/**
 * The one source of Microsoft Graph permission names and app role IDs: for the doctor and the adoption
 * preflight, so that findings show "Mail.Read (delegated)" rather than a bare ID, and for the deployer
 * bootstrap and the deployer check, which grant or look for app roles by ID. The names the tenant's Graph service
 * principal publishes come first when a command read it (directory-reader.ts); otherwise this table of
 * the permissions a registration may request beyond the mail scopes. Its IDs are Microsoft's published
 * ones (Graph permissions reference), cross-checked against public manifests; an ID known to neither is
 * shown as it is.
 */
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../registration/graph-identifiers";

/** Microsoft Graph's permission names by `<Scope|Role>/<id>`, as a tenant's Graph service principal publishes them. */
export type PermissionNames = ReadonlyMap<string, string>;

/** Delegated permissions (`Scope`) of Microsoft Graph, by ID. */
const GRAPH_SCOPES: Readonly<Record<string, string>> = {
    ...Object.fromEntries(MAIL_DELEGATED_SCOPES.map((s) => [s.id, s.name])),
    "37f7f235-527c-4136-accd-4a02d197296e": "openid",
    "14dad69e-099b-42c9-810b-d002981feec1": "profile",
    "570282fd-fa5c-430d-a7fd-fc8dc98a9dca": "Mail.Read",
    "024d486e-b451-40bb-833d-3e66d98c5c73": "Mail.ReadWrite",
    "e383f46e-2787-4529-855e-0e479a3ffac0": "Mail.Send",
    "87f447af-9fa4-4c32-9dfa-4a57a73d18ce": "MailboxSettings.Read",
    "818c620a-27a9-40bd-a6a5-d96f7d610b4b": "MailboxSettings.ReadWrite",
    "ff74d97f-43af-4b68-9f2a-b77ee6968c5d": "Contacts.Read",
    "b340eb25-3456-403f-be2f-af7a0d370277": "User.ReadBasic.All",
    "a154be20-db9c-4678-8ab7-66f6cc099a59": "User.Read.All",
};

/** An application permission (app role) of Microsoft Graph: its name and its published ID. */
export interface GraphAppRole {
    readonly value: string;
    readonly id: string;
}

/** Lets an application change every application in the tenant. */
export const APPLICATION_READWRITE_ALL: GraphAppRole = { value: "Application.ReadWrite.All", id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9" };
export const APPLICATION_READWRITE_OWNEDBY: GraphAppRole = { value: "Application.ReadWrite.OwnedBy", id: "18a4783c-866b-4cc7-a460-3d5e5662c884" };
export const DELEGATED_PERMISSION_GRANT_READWRITE_ALL: GraphAppRole = { value: "DelegatedPermissionGrant.ReadWrite.All", id: "8e8e4742-1d95-4f68-9d56-6ee75648c72a" };
export const POLICY_READ_ALL: GraphAppRole = { value: "Policy.Read.All", id: "246dd0d5-5bd0-4def-940b-0421030a5b68" };

/** Application permissions (`Role`) of Microsoft Graph, by ID. */
const GRAPH_ROLES: Readonly<Record<string, string>> = Object.fromEntries([
    { value: "Mail.Read", id: "810c84a8-4a9e-49e6-bf7d-12d183f40d01" },
    { value: "Application.Read.All", id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30" },
    APPLICATION_READWRITE_ALL, APPLICATION_READWRITE_OWNEDBY, DELEGATED_PERMISSION_GRANT_READWRITE_ALL, POLICY_READ_ALL,
].map((role) => [role.id, role.value]));

/** The name of a Microsoft Graph permission: the tenant's live name if read, else the table's; undefined if neither knows it. */
export function graphPermissionName(type: string, id: string, live?: PermissionNames): string | undefined {
    return live?.get(`${type}/${id}`) ?? (type === "Scope" ? GRAPH_SCOPES : type === "Role" ? GRAPH_ROLES : {})[id];
}

/** "Mail.Read (delegated) of Microsoft Graph", or the type and ID where the name is not known. */
export function describePermission(resourceAppId: string, type: string, id: string, live?: PermissionNames): string {
    const kind = type === "Scope" ? "delegated" : type === "Role" ? "application" : type;
    if (resourceAppId !== MICROSOFT_GRAPH_APP_ID) {
        return `${kind} ${id} of application ${resourceAppId}`;
    }
    const name = graphPermissionName(type, id, live);
    return name === undefined ? `${kind} ${id} of Microsoft Graph` : `${name} (${kind}) of Microsoft Graph`;
}
