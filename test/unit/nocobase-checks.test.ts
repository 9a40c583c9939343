import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findingsFromApiKey, findingsFromNocobase } from "../../src/operations/doctor/nocobase-checks";
import type { StackOutputs } from "../../src/operations/stack-outputs";

const NOW = new Date("2026-11-25T00:00:00Z");
const EXPECTED = {
    environment: "prod", clientSecretKeyId: "11111111-1111-4111-8111-111111111111", nextRotationAt: "2026-12-01T00:00:00Z",
    nocobaseClientSecretVariable: "MICROSOFT_EMAIL_CLIENT_SECRET",
} as StackOutputs;

describe("doctor --nocobase findings", () => {
    it("reports an expired API key with its date, and one expiring within the warning days", () => {
        assert.deepEqual(findingsFromApiKey("prod", new Date("2026-11-01T00:00:00Z"), NOW, 30).map((f) => [f.code, f.message]),
            [["nocobase-api-key-expired", "The NocoBase API key expired on 2026-11-01T00:00:00.000Z."]]);
        const expiring = findingsFromApiKey("prod", new Date("2026-12-05T00:00:00Z"), NOW, 30);
        assert.deepEqual(expiring.map((f) => f.code), ["nocobase-api-key-expiring"]);
        assert.match(expiring[0].fix, /: pulumi config set --stack prod --secret nocobase-entra-mail:nocobaseApiToken <API key>, and NOCOBASE_API_TOKEN /);
        assert.deepEqual(findingsFromApiKey("prod", new Date("2027-03-01T00:00:00Z"), NOW, 30), []);
        assert.deepEqual(findingsFromApiKey("prod", undefined, NOW, 30), [], "a key without expiry");
    });

    it("reports a stale key ID, a missing secret and a pending restart", () => {
        const secret = { name: "MICROSOFT_EMAIL_CLIENT_SECRET", type: "secret" as const, value: null };
        const record = (value: string) => ({ name: "MICROSOFT_EMAIL_CLIENT_SECRET_KEY_ID", type: "default" as const, value });
        assert.deepEqual(findingsFromNocobase(EXPECTED, { variables: [secret, record(EXPECTED.clientSecretKeyId)], restartPending: false }), []);
        assert.deepEqual(findingsFromNocobase(EXPECTED, { variables: [secret, record("22222222-2222-4222-8222-222222222222")], restartPending: true })
            .map((f) => f.code), ["nocobase-key-id-stale", "nocobase-restart-pending"]);
        assert.deepEqual(findingsFromNocobase(EXPECTED, { variables: [], restartPending: false }).map((f) => f.code), ["nocobase-secret-missing"]);
    });
});
