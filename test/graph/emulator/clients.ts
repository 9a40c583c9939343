/** Our Graph client and credentials, pointed at a running emulator, for tests. */
import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
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

/** Our Graph client signed in as a person of the first tenant, with a delegated token (`emulator.signInPerson`). */
export function emulatorPersonGraphClient(emulator: Emulator, userId: string, scopes?: readonly string[]): GraphClient {
    const token = emulator.signInPerson(userId, scopes);
    const credential: TokenCredential = { getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_000_000 }) };
    return new GraphClient({
        credential, endpoints: emulatorEndpoints(emulator), tenantId: emulator.tenantId, timeoutMs: 5_000,
        sleep: () => new Promise((resolve) => setTimeout(resolve, 10)),
    });
}
