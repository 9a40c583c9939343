/**
 * What a NocoBase API key says about itself. NocoBase's API keys are JWTs signed by the server; the payload
 * is readable without the server's key, and its `exp` is when NocoBase stops accepting the key. Read only,
 * never verified: it is used to explain a 401 and to warn before expiry, not to trust the key.
 */
import { unverifiedJwtClaims } from "../jwt-claims";

/** The key's expiry, or undefined when it is not a JWT or has no `exp` (a key made to never expire). */
export function apiKeyExpiry(apiKey: string): Date | undefined {
    const exp = unverifiedJwtClaims(apiKey)?.exp;
    return typeof exp === "number" && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
}
