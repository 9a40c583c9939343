// The credential every command uses keeps each tenant's token for the command's life: counted at the inner credential.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { cachedPerTenant, REFRESH_MARGIN_MS } from "../../src/microsoft/tenant-token-cache";

const SCOPE = "https://graph.microsoft.com/.default";
const HOUR = 3_600_000;

/** An inner credential that counts its sign-ins per tenant and answers as told. */
function countingCredential(answer: (tenant: string, call: number) => Promise<AccessToken | null>) {
    const calls: string[] = [];
    const credential: TokenCredential = {
        getToken(_scopes: string | string[], options?: GetTokenOptions) {
            const tenant = options?.tenantId ?? "home";
            calls.push(tenant);
            return answer(tenant, calls.filter((t) => t === tenant).length);
        },
    };
    return { credential, calls };
}

describe("tenant token cache", () => {
    it("signs in once per tenant while the token is fresh, and once for calls made together", async () => {
        let clock = 0;
        const inner = countingCredential((tenant, call) => Promise.resolve({ token: `${tenant}-${call}`, expiresOnTimestamp: clock + HOUR }));
        const cached = cachedPerTenant(inner.credential, () => clock);
        const together = await Promise.all([1, 2, 3].map(() => cached.getToken(SCOPE, { tenantId: "t1" })));
        assert.deepEqual(together.map((t) => t?.token), ["t1-1", "t1-1", "t1-1"]);
        assert.equal((await cached.getToken(SCOPE, { tenantId: "t2" }))?.token, "t2-1");
        clock = HOUR - REFRESH_MARGIN_MS - 1;
        assert.equal((await cached.getToken(SCOPE, { tenantId: "t1" }))?.token, "t1-1", "still fresh");
        assert.deepEqual(inner.calls, ["t1", "t2"]);
        clock = HOUR - REFRESH_MARGIN_MS;
        assert.equal((await cached.getToken(SCOPE, { tenantId: "t1" }))?.token, "t1-2", "about to expire: asked again");
        assert.deepEqual(inner.calls, ["t1", "t2", "t1"]);
    });

    it("keeps no refusal: the next call signs in again", async () => {
        const inner = countingCredential((_tenant, call) => call === 1
            ? Promise.reject(new Error("AADSTS7000215: invalid client secret"))
            : Promise.resolve({ token: "ok", expiresOnTimestamp: Date.now() + HOUR }));
        const cached = cachedPerTenant(inner.credential);
        await assert.rejects(cached.getToken(SCOPE, { tenantId: "t1" }), /AADSTS7000215/);
        assert.equal((await cached.getToken(SCOPE, { tenantId: "t1" }))?.token, "ok");
        assert.equal(inner.calls.length, 2);
    });
});
