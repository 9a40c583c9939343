import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canProveSecret, proveSecretAccepted } from "../../src/nocobase/secret-proof";

describe("proof of a secret before hand-over", () => {
    it("can prove secrets of every audience with a tenant, not of personal-account-only applications", () => {
        assert.deepEqual(["AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"].map(canProveSecret),
            [true, true, true, false]);
    });

    it("waits the settle time instead of asking Microsoft for a personal-account-only application", async () => {
        const result = await proveSecretAccepted({
            tenantId: "t", clientId: "c", clientSecret: "planted-secret-value", clientSecretKeyId: "k", signInAudience: "PersonalMicrosoftAccount",
        }, "pulumi up", { unprovableSettleMs: 20, endpoints: { authorityHost: "https://127.0.0.1:9", graphBaseUrl: "https://127.0.0.1:9", graphHost: "127.0.0.1", graphScope: "x", isMicrosoftAuthority: false } });
        assert.equal(result.kind, "unprovable");
        assert.ok(result.waitedMs >= 15);
    });
});
