/**
 * What a NocoBase API key says about itself. NocoBase's API keys are JWTs signed by the server; the payload
 * is readable without the server's key, and its `exp` is when NocoBase stops accepting the key. Read only,
 * never verified: it is used to explain a 401 and to warn before expiry, not to trust the key.
 */

/** The key's expiry, or undefined when it is not a JWT or has no `exp` (a key made to never expire). */
export function apiKeyExpiry(apiKey: string): Date | undefined {
    const parts = apiKey.trim().split(".");
    if (parts.length !== 3) {
        return undefined;
    }
    try {
        const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: unknown };
        return typeof payload.exp === "number" && Number.isFinite(payload.exp) ? new Date(payload.exp * 1000) : undefined;
    } catch {
        return undefined;
    }
}
