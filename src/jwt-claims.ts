/**
 * The claims of a NocoBase API key (a JWT NocoBase issues), decoded but never verified: they explain a
 * refusal, NocoBase verifies the key itself on every call. Microsoft's access tokens are never read here:
 * Microsoft tells clients to treat them as opaque (Graph answers who is signed in, deployer-identity.ts).
 */

/** The payload's claims, or undefined when the token is not a three-part JWT with a JSON object payload. */
export function unverifiedJwtClaims(token: string): Readonly<Record<string, unknown>> | undefined {
    const parts = token.trim().split(".");
    if (parts.length !== 3) {
        return undefined;
    }
    try {
        const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as unknown;
        return typeof payload === "object" && payload !== null && !Array.isArray(payload) ? payload as Record<string, unknown> : undefined;
    } catch {
        return undefined;
    }
}
