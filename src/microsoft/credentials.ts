/**
 * The identity that calls Microsoft Graph: `DefaultAzureCredential` (environment variables, workload
 * identity, managed identity, Azure CLI, ...), pointed at the configured authority.
 */
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { MicrosoftEndpoints } from "./endpoints";

export function createDefaultCredential(endpoints: MicrosoftEndpoints, tenantId?: string): TokenCredential {
    return new DefaultAzureCredential({
        authorityHost: endpoints.authorityHost,
        // MSAL's instance discovery asks Microsoft's cloud about the authority; it cannot know any other host.
        disableInstanceDiscovery: !endpoints.isMicrosoftAuthority,
        ...(tenantId ? { tenantId } : {}),
        // The doctor checks environments of several tenants with one sign-in.
        additionallyAllowedTenants: ["*"],
    });
}
