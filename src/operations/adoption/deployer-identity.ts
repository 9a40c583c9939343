/**
 * Who the signed-in identity is, and whether it may change applications it does not own, read from the
 * claims of its Microsoft Graph access token (`oid`, and `roles` for an application or `wids` for a
 * person). The token is only decoded, not verified: Graph verifies it on every call; this only decides
 * what the preflight reports.
 */
import { unverifiedJwtClaims } from "../../jwt-claims";

/** Graph application permission that allows changing every application in the tenant. */
const APPLICATION_READ_WRITE_ALL = "Application.ReadWrite.All";

/** Directory roles (template IDs) whose holders may change every application registration. */
const APPLICATION_ADMIN_ROLES: Readonly<Record<string, string>> = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
};

export interface DeployerIdentity {
    readonly objectId: string;
    /** "application" (service principal), "person", or "given" by `--deployer` (rights not known). */
    readonly kind: "application" | "person" | "given";
    /** The right that lets it change applications it does not own, if any. */
    readonly updatesAnyApplication: string | undefined;
}

interface AccessTokenClaims {
    readonly oid?: string;
    readonly idtyp?: string;
    readonly scp?: string;
    readonly roles?: readonly string[];
    readonly wids?: readonly string[];
}

/** The identity behind an access token, or undefined when the token carries no readable `oid`. */
export function identityFromAccessToken(token: string): DeployerIdentity | undefined {
    const claims = unverifiedJwtClaims(token) as AccessTokenClaims | undefined;
    if (claims === undefined || typeof claims.oid !== "string" || claims.oid === "") {
        return undefined;
    }
    const person = claims.idtyp === "user" || typeof claims.scp === "string";
    const right = person
        ? (claims.wids ?? []).map((w) => APPLICATION_ADMIN_ROLES[w]).find((name) => name !== undefined)
        : (claims.roles ?? []).find((r) => r === APPLICATION_READ_WRITE_ALL);
    return { objectId: claims.oid.toLowerCase(), kind: person ? "person" : "application", updatesAnyApplication: right };
}
