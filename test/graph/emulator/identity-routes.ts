/**
 * The Microsoft identity platform part of the emulator: the OpenID configuration MSAL fetches before its
 * first token request, and the v2.0 token endpoint for the client-credentials grant with a client secret.
 * Errors follow the documented shape `{error, error_description, error_codes, timestamp, trace_id,
 * correlation_id, error_uri}` with the `AADSTS` codes the doctor maps.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Application, Directory } from "./directory";
import { sendJson, type Exchange } from "./http-exchange";

export interface IssuedToken {
    readonly appId: string;
    readonly tenantId: string;
    readonly expiresAt: number;
    /** The signed-in person of a delegated token, with its scopes; absent for an application's (app-only) token. */
    readonly person?: { readonly userId: string; readonly scopes: readonly string[] };
}

/** Azure CLI's client ID: the public client a person's delegated Graph token is issued to by `az login`. */
export const AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/** An opaque access token, as clients must treat Microsoft's: nothing in it names the caller. */
function newAccessToken(): string {
    return `emu.${randomBytes(32).toString("base64url")}`;
}

/**
 * A delegated token for a person of `tenant`, as an interactive sign-in (`az login`) leaves it with the
 * caller; the token endpoint only serves the client-credentials grant, which has no person.
 */
export function issuePersonToken(tokens: Map<string, IssuedToken>, tenant: string, userId: string, scopes: readonly string[]): string {
    const accessToken = newAccessToken();
    tokens.set(accessToken, { appId: AZURE_CLI_CLIENT_ID, tenantId: tenant, expiresAt: Date.now() + 3599_000, person: { userId, scopes } });
    return accessToken;
}

export interface IdentitySettings {
    /** How long after addPassword the token endpoint still rejects the new secret (propagation). */
    secretPropagationMs: number;
    /** Closes token requests without an answer, as an unreachable token endpoint does (metadata still answers). */
    dropTokenRequests?: boolean;
}

function tokenError(ex: Exchange, status: number, error: string, aadsts: number, description: string): void {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19) + "Z";
    sendJson(ex, status, {
        error,
        error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [aadsts],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    });
}

export function openIdConfiguration(ex: Exchange, origin: string, tenant: string): void {
    const base = `${origin}/${tenant}`;
    sendJson(ex, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${origin}/${tenant}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: null,
        cloud_instance_name: "microsoftonline.com",
        msgraph_host: "graph.microsoft.com",
    });
}

/**
 * The application a client signs in as in `tenant`: one registered there, or a multi-tenant application of
 * another tenant with a service principal in this one (Entra's rule for signing in to another tenant). Its
 * secrets live with the application, in its home tenant's directory.
 */
function signingInApplication(tenants: ReadonlyMap<string, Directory>, directory: Directory, clientId: string):
    { app: Application; home: Directory } | undefined {
    const own = directory.findApplicationByAppId(clientId);
    if (own !== undefined) {
        return { app: own, home: directory };
    }
    for (const home of tenants.values()) {
        const app = home.findApplicationByAppId(clientId);
        if (app !== undefined && app.signInAudience !== "AzureADMyOrg" && directory.findServicePrincipalByAppId(clientId) !== undefined) {
            return { app, home };
        }
    }
    return undefined;
}

export function tokenEndpoint(ex: Exchange, tenant: string, tenants: ReadonlyMap<string, Directory>, tokens: Map<string, IssuedToken>,
    settings: IdentitySettings): void {
    const form = new URLSearchParams(ex.body);
    const grantType = form.get("grant_type");
    const clientId = form.get("client_id") ?? "";
    if (grantType !== "client_credentials") {
        tokenError(ex, 400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType ?? ""}'.`);
        return;
    }
    const directory = tenants.get(tenant);
    if (directory === undefined) {
        tokenError(ex, 400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
        return;
    }
    const signingIn = signingInApplication(tenants, directory, clientId);
    if (!signingIn) {
        tokenError(ex, 400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. ` +
            "This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. " +
            "You may have sent your authentication request to the wrong tenant.");
        return;
    }
    const secret = form.get("client_secret");
    if (secret === null) {
        tokenError(ex, 401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        return;
    }
    const { app, home } = signingIn;
    const now = Date.now();
    const match = app.passwordCredentials.find((p) => home.secretValues.get(p.keyId) === secret);
    const propagating = match !== undefined && now - (home.secretAddedAt.get(match.keyId) ?? 0) < settings.secretPropagationMs;
    if (!match || propagating) {
        tokenError(ex, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, " +
            `not the client secret ID, for a secret added to app '${clientId}'.`);
        return;
    }
    if (Date.parse(match.endDateTime) <= now) {
        tokenError(ex, 401, "invalid_client", 7000222, `The provided client secret keys for app '${clientId}' are expired. ` +
            "Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.");
        return;
    }
    if (!directory.findServicePrincipalByAppId(clientId)) {
        tokenError(ex, 400, "invalid_client", 7000229, `The client application ${clientId} is missing service principal in the tenant ${tenant}.`);
        return;
    }
    const accessToken = newAccessToken();
    tokens.set(accessToken, { appId: clientId, tenantId: tenant, expiresAt: now + 3599_000 });
    sendJson(ex, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
}
