import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStackOutputs } from "../../src/operations/stack-outputs";

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
        assert.throws(() => parseStackOutputs("{", "dev.json"), /dev\.json: not valid JSON[\s\S]*pulumi stack output --json --show-secrets/);
    });

    it("refuses malformed JSON without quoting the text around the error, where the secret may be", () => {
        const malformed = [
            JSON.stringify(complete).replace(`"${SECRET}"`, `"${SECRET}" x`),
            JSON.stringify(complete).replace(`"${SECRET}"`, SECRET),
            `${SECRET}`,
            JSON.stringify(complete).slice(0, JSON.stringify(complete).indexOf(SECRET) + 10),
        ];
        for (const json of malformed) {
            assert.throws(() => parseStackOutputs(json, "dev.json"), (err: Error) => {
                assert.match(err.message, /^dev\.json: not valid JSON/);
                for (let i = 0; i + 6 <= SECRET.length; i++) {
                    assert.ok(!err.message.includes(SECRET.slice(i, i + 6)), `a piece of the secret leaked: ${err.message}`);
                }
                assert.equal(err.cause, undefined, "the parser's error is not attached");
                return true;
            });
        }
    });

    it("accepts outputs printed without --show-secrets when the secret is not needed", () => {
        const hidden = { ...complete, clientSecret: "[secret]" };
        assert.equal(parseStackOutputs(JSON.stringify(hidden), "x", { needsSecret: false }).clientId, "c");
        const { clientSecret: _s, ...absent } = complete;
        assert.equal(parseStackOutputs(JSON.stringify(absent), "x", { needsSecret: false }).clientSecret, "[secret]");
        assert.throws(() => parseStackOutputs(JSON.stringify(absent), "x"), /missing or malformed stack outputs: clientSecret/);
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
