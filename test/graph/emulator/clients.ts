/** Our Graph client and credentials, pointed at a running emulator, for tests. */
import { ClientSecretCredential } from "@azure/identity";
import { resolveMicrosoftEndpoints, type MicrosoftEndpoints } from "../../../src/microsoft/endpoints";
import { GraphClient, type GraphClientOptions } from "../../../src/microsoft/graph-client";
import type { Emulator } from "./emulator";

export function emulatorEndpoints(emulator: Emulator): MicrosoftEndpoints {
    return resolveMicrosoftEndpoints({ AZURE_AUTHORITY_HOST: emulator.authorityHost, GRAPH_BASE_URL: emulator.graphBaseUrl });
}

export function emulatorCredential(emulator: Emulator, client: { clientId: string; clientSecret: string }): ClientSecretCredential {
    return new ClientSecretCredential(emulator.tenantId, client.clientId, client.clientSecret, {
        authorityHost: emulator.authorityHost,
        disableInstanceDiscovery: true,
    });
}

/** Retries wait 10 ms instead of seconds, so tests of the retry loop stay fast. */
export function emulatorGraphClient(emulator: Emulator, client: { clientId: string; clientSecret: string },
    overrides: Partial<GraphClientOptions> = {}): GraphClient {
    return new GraphClient({
        credential: emulatorCredential(emulator, client),
        endpoints: emulatorEndpoints(emulator),
        tenantId: emulator.tenantId,
        timeoutMs: 5_000,
        sleep: () => new Promise((resolve) => setTimeout(resolve, 10)),
        ...overrides,
    });
}
