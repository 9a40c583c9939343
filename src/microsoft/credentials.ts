/**
 * The identity that calls Microsoft Graph: `DefaultAzureCredential` (environment variables, workload
 * identity, managed identity, Azure CLI, ...), pointed at the configured authority, and the sign-in that
 * tests it before any Graph call.
 */
import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { MicrosoftEndpoints } from "./endpoints";
import { identityFailure } from "./identity-errors";
import { cachedPerTenant } from "./tenant-token-cache";

export function createDefaultCredential(endpoints: MicrosoftEndpoints, tenantId?: string,
    env: NodeJS.ProcessEnv = process.env): TokenCredential {
    const common = {
        authorityHost: endpoints.authorityHost,
        // MSAL's instance discovery asks Microsoft's cloud about the authority; it cannot know any other host.
        disableInstanceDiscovery: !endpoints.isMicrosoftAuthority,
        // The doctor checks environments of several tenants with one sign-in.
        additionallyAllowedTenants: ["*"],
    };
    const { AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET } = env;
    // What DefaultAzureCredential's first link would do with these variables, without its wrapper, which
    // reports every failure as HTTP 400 and so hides a refused secret behind an unreachable endpoint.
    if (AZURE_TENANT_ID && AZURE_CLIENT_ID && AZURE_CLIENT_SECRET) {
        return cachedPerTenant(new ClientSecretCredential(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, common));
    }
    return cachedPerTenant(new DefaultAzureCredential({ ...common, ...(tenantId ? { tenantId } : {}) }));
}

/**
 * Gets a Graph token for `tenantId`, so that a refused or unreachable sign-in is reported as a failure of
 * the command's own identity, once, before any Graph call. The credential keeps the token for the calls
 * that follow (cachedPerTenant).
 */
export async function signInTo(credential: TokenCredential, endpoints: MicrosoftEndpoints, tenantId: string,
    timeoutMs: number): Promise<void> {
    try {
        const token = await credential.getToken(endpoints.graphScope, { tenantId, abortSignal: AbortSignal.timeout(timeoutMs) });
        if (!token) {
            throw new Error("the credential returned no token");
        }
    } catch (err) {
        throw identityFailure(err, `sign in to tenant ${tenantId} for Microsoft Graph`, "caller");
    }
}
