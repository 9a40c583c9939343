import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStackOutputs } from "../../src/stack-outputs";

const SECRET = "s3cr3t-value-that-must-not-leak";
const complete = {
    environment: "dev", clientId: "c", tenantId: "t", applicationObjectId: "a", servicePrincipalObjectId: "s",
    displayName: "d", signInAudience: "AzureADMyOrg", redirectUris: ["https://x/admin/settings/mail/oauth2"],
    adminConsent: false, clientSecret: SECRET, clientSecretKeyId: "k", clientSecretExpiresAt: "2027-01-01T00:00:00Z",
    nextRotationAt: "2026-12-01T00:00:00Z", nocobaseClientIdVariable: "A", nocobaseClientSecretVariable: "B",
    nocobaseApiUrl: "https://x/api",
};

describe("stack output parsing", () => {
    it("accepts the program's outputs", () => {
        assert.equal(parseStackOutputs(JSON.stringify(complete), "dev.json").clientSecret, SECRET);
    });

    it("refuses non-JSON input and names the source and the producing command", () => {
        assert.throws(() => parseStackOutputs("{", "dev.json"), /dev\.json: not JSON[\s\S]*pulumi stack output --json --show-secrets/);
    });

    it("refuses outputs with missing fields and lists them without showing the secret", () => {
        const { clientId: _c, redirectUris: _r, ...partial } = complete;
        assert.throws(() => parseStackOutputs(JSON.stringify(partial), "x"), (err: Error) => {
            assert.match(err.message, /missing or malformed stack outputs: clientId, redirectUris/);
            assert.ok(!err.message.includes(SECRET));
            return true;
        });
    });

    it("refuses outputs printed without --show-secrets", () => {
        assert.throws(() => parseStackOutputs(JSON.stringify({ ...complete, clientSecret: "[secret]" }), "x"), /--show-secrets/);
    });
});
