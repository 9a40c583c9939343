import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { apiKeyExpiry } from "../../src/nocobase/api-key";

describe("NocoBase API key expiry", () => {
    const jwt = (payload: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2lnbmF0dXJl`;

    it("reads exp without verifying the signature", () => {
        assert.equal(apiKeyExpiry(jwt({ userId: 1, roleName: "root", exp: 1_800_000_000 }))?.toISOString(), "2027-01-15T08:00:00.000Z");
    });

    it("answers undefined for a key without exp or not a JWT", () => {
        assert.equal(apiKeyExpiry(jwt({ userId: 1 })), undefined);
        assert.equal(apiKeyExpiry("not-a-jwt"), undefined);
        assert.equal(apiKeyExpiry("a.%%%.c"), undefined);
    });
});
