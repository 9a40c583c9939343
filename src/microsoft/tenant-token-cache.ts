/**
 * A credential that keeps each tenant's Graph token for a command's life, until shortly before it expires.
 * The credentials that sign in themselves keep their tokens already; the Azure CLI credential keeps none, so
 * without this every Graph call (and every retry) would start an `az account get-access-token` process.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** A token this close to its expiry is asked for again, so that no call goes out with one about to lapse. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export function cachedPerTenant(inner: TokenCredential, now: () => number = Date.now): TokenCredential {
    // The request itself is kept, so that calls made together share one sign-in.
    const tokens = new Map<string, Promise<AccessToken | null>>();
    return {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            const key = `${options?.tenantId ?? ""} ${[scopes].flat().join(" ")}`;
            const kept = tokens.get(key);
            if (kept !== undefined) {
                const token = await kept.catch(() => null);
                if (token !== null && token.expiresOnTimestamp - REFRESH_MARGIN_MS > now()) {
                    return token;
                }
            }
            const request = inner.getToken(scopes, options);
            tokens.set(key, request);
            try {
                const token = await request;
                if (token === null) {
                    tokens.delete(key);
                }
                return token;
            } catch (err) {
                // A refusal or a timeout is not kept: the next call asks again.
                tokens.delete(key);
                throw err;
            }
        },
    };
}
