/**
 * Asks Microsoft's token endpoint for an app-only (client-credentials) token with an application's client
 * secret, the way NocoBase's backend will use it: the one implementation behind the doctor's
 * `--probe-secret` and the proof before a secret is handed to NocoBase.
 */
import { ClientSecretCredential } from "@azure/identity";
import type { MicrosoftEndpoints } from "./endpoints";
import { aadstsCode, identityFailure } from "./identity-errors";

interface ProbedApplication {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
}

export type ProbeOutcome =
    | { readonly kind: "accepted" }
    | { readonly kind: "refused"; readonly aadsts: number; readonly detail: string };

/**
 * Requests the token. An answer with an AADSTS code is an outcome; anything else (network, timeout) is
 * thrown as a `MicrosoftServiceError` naming `operation`.
 */
export async function probeClientSecret(app: ProbedApplication, endpoints: MicrosoftEndpoints, timeoutMs: number,
    operation: string): Promise<ProbeOutcome> {
    const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
        authorityHost: endpoints.authorityHost,
        disableInstanceDiscovery: !endpoints.isMicrosoftAuthority,
    });
    try {
        await credential.getToken(endpoints.graphScope, { abortSignal: AbortSignal.timeout(timeoutMs) });
        return { kind: "accepted" };
    } catch (err) {
        const failure = identityFailure(err, operation, "stack-secret");
        const aadsts = aadstsCode(err);
        if (aadsts === undefined) {
            throw failure;
        }
        return { kind: "refused", aadsts, detail: failure.details.detail };
    }
}
