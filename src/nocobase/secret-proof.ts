/**
 * Proof before hand-over: NocoBase receives a client secret only after Microsoft's token endpoint has
 * accepted it. A new secret is refused (AADSTS7000215) until it has replicated, seconds to minutes after
 * Graph created it, so the proof asks again with backoff up to a bound, then fails naming Microsoft, the
 * key ID and the fix, before NocoBase is touched.
 *
 * The proof is a client-credentials token request for the application in its home tenant. Microsoft
 * issues those only to applications of an Entra tenant: an application for personal Microsoft accounts
 * only (`PersonalMicrosoftAccount`) is served at the `/consumers` endpoint, which has no client-credentials
 * grant. For that audience no proof is possible; the hand-over waits a fixed settle time instead.
 */
import { resolveMicrosoftEndpoints, type MicrosoftEndpoints } from "../microsoft/endpoints";
import { MicrosoftServiceError } from "../microsoft/service-error";
import { probeClientSecret } from "../microsoft/token-probe";

interface SecretProofRequest {
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly clientSecretKeyId: string;
    readonly signInAudience: string;
}

export interface SecretProofOptions {
    /** Longest time to wait for Microsoft to accept the secret. Default 300 s. */
    readonly boundMs?: number;
    /** First wait after a refusal; doubles up to `maxDelayMs`. Default 2 s. */
    readonly firstDelayMs?: number;
    /** Default 30 s. */
    readonly maxDelayMs?: number;
    /** Time limit of one token request. Default 30 s. */
    readonly timeoutMs?: number;
    /** Wait before handing over a secret that cannot be proven (personal accounts only). Default 60 s. */
    readonly unprovableSettleMs?: number;
    /** Default: from the environment (AZURE_AUTHORITY_HOST), as every command of this project. */
    readonly endpoints?: MicrosoftEndpoints;
}

export type SecretProofResult =
    | { readonly kind: "accepted"; readonly attempts: number; readonly waitedMs: number }
    | { readonly kind: "unprovable"; readonly waitedMs: number };

const DEFAULT_PROOF_BOUND_MS = 300_000;
const DEFAULT_UNPROVABLE_SETTLE_MS = 60_000;

/** Refusals that a secret or application not yet replicated gives: invalid secret, unknown app, no service principal. */
const REPLICATION_REFUSALS: readonly number[] = [7000215, 700016, 7000229];

/** Microsoft did not accept the secret; NocoBase was not changed. `message` names no secret. */
class SecretNotAcceptedError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SecretNotAcceptedError";
    }
}

/** Whether Microsoft can issue a client-credentials token to an application of this audience. */
export function canProveSecret(signInAudience: string): boolean {
    return signInAudience !== "PersonalMicrosoftAccount";
}

/**
 * Resolves when Microsoft accepts the secret (or, for personal-account-only applications, after the settle
 * time); throws `SecretNotAcceptedError` otherwise. `rerun` is the command that retries the hand-over.
 */
export async function proveSecretAccepted(request: SecretProofRequest, rerun: string, options: SecretProofOptions = {}): Promise<SecretProofResult> {
    const started = Date.now();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    if (!canProveSecret(request.signInAudience)) {
        const settle = options.unprovableSettleMs ?? DEFAULT_UNPROVABLE_SETTLE_MS;
        await sleep(settle);
        return { kind: "unprovable", waitedMs: Date.now() - started };
    }
    const endpoints = options.endpoints ?? resolveMicrosoftEndpoints();
    const bound = options.boundMs ?? DEFAULT_PROOF_BOUND_MS;
    const maxDelay = options.maxDelayMs ?? 30_000;
    let delay = options.firstDelayMs ?? 2_000;
    const what = `the client secret with key ID ${request.clientSecretKeyId} of application ${request.clientId} in tenant ${request.tenantId}`;
    for (let attempt = 1; ; attempt++) {
        let outcome;
        try {
            outcome = await probeClientSecret(request, endpoints, options.timeoutMs ?? 30_000,
                `prove ${what} before handing it to NocoBase`);
        } catch (err) {
            const detail = err instanceof MicrosoftServiceError ? err.message : `unexpected failure: ${(err as Error).message}`;
            throw new SecretNotAcceptedError(`${detail} NocoBase was not changed and keeps its current secret. ` +
                `Fix: once Microsoft's token endpoint is reachable from here, run ${rerun} again.`);
        }
        if (outcome.kind === "accepted") {
            return { kind: "accepted", attempts: attempt, waitedMs: Date.now() - started };
        }
        const elapsed = Date.now() - started;
        if (!REPLICATION_REFUSALS.includes(outcome.aadsts) || elapsed + delay > bound) {
            const waited = REPLICATION_REFUSALS.includes(outcome.aadsts)
                ? ` after ${attempt} requests over ${Math.round(elapsed / 1000)} s (the bound is ${Math.round(bound / 1000)} s)` : "";
            throw new SecretNotAcceptedError(
                `Microsoft identity platform did not accept ${what}${waited}: AADSTS${outcome.aadsts}, ${outcome.detail}. ` +
                "NocoBase was not changed and keeps its current secret. " +
                (outcome.aadsts === 7000215
                    ? `Fix: a new secret can take minutes to replicate; run ${rerun} again later. If it still fails, ` +
                      "check with nocobase-entra-mail doctor that the secret exists, or rotate it (pulumi config set nocobase-entra-mail:secretGeneration <higher number>, then pulumi up)."
                    : `Fix: look the code up at https://login.microsoftonline.com/error?code=${outcome.aadsts}, correct the application, then run ${rerun} again.`));
        }
        await sleep(delay);
        delay = Math.min(delay * 2, maxDelay);
    }
}
