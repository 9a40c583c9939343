import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { quoteForeign, REDACTED, redactForeignText } from "../../src/redaction";

const CLIENT_SECRET = "Xy8Q~a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXy";
const API_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlTmFtZSI6InJvb3QiLCJpYXQiOjE3MDB9.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWtleQ";

describe("redaction of foreign text", () => {
    it("removes known secrets before cutting, so a secret straddling the cut leaks nothing", () => {
        const text = `${"x".repeat(190)} echo: ${CLIENT_SECRET}`;
        const quoted = redactForeignText(text, { secrets: [CLIENT_SECRET], maxLength: 200 });
        assert.ok(!quoted.includes(CLIENT_SECRET.slice(0, 4)), quoted);
        assert.ok([...quoted].length <= 200);
        assert.ok(quoted.endsWith("…"));
    });

    it("removes user name and password from URLs and keeps the host", () => {
        assert.equal(redactForeignText("https://admin:hunter2@crm.example.com/nb"), `https://${REDACTED}@crm.example.com/nb`);
        assert.equal(redactForeignText("https://ghp_abc@crm.example.com"), `https://${REDACTED}@crm.example.com`);
    });

    it("removes query values, credential-named parameters, bearer tokens and JWTs", () => {
        assert.equal(redactForeignText("https://crm.example.com/?tenant=acme&x=1"), `https://crm.example.com/?tenant=${REDACTED}&x=${REDACTED}`);
        assert.equal(redactForeignText('{"password": "hunter2"}'), `{"password": "${REDACTED}"}`);
        assert.equal(redactForeignText("client_secret=abc123"), `client_secret=${REDACTED}`);
        assert.equal(redactForeignText("Authorization: Bearer abc.def"), `Authorization: Bearer ${REDACTED}`);
        assert.equal(redactForeignText(`https://crm.example.com/${API_KEY}`), `https://crm.example.com/${REDACTED}`);
    });

    it("removes key-shaped strings it was not told about", () => {
        assert.equal(redactForeignText(`value ${CLIENT_SECRET} here`), `value ${REDACTED} here`);
        assert.equal(redactForeignText("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"), REDACTED);
    });

    it("keeps what a reader needs: GUIDs, host names, paths, ordinary words", () => {
        for (const text of [
            "application 5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f of stack production",
            "https://crm-production-eu-west.example.com/nocobase/apps/sales/admin/settings/mail/oauth2",
            "nocobase-entra-mail-deployer-acme-nocobase-mail",
            "AADSTS7000215: Invalid client secret provided.",
        ]) {
            assert.equal(redactForeignText(text), text);
        }
    });

    it("quotes the redacted text as a JSON string", () => {
        assert.equal(quoteForeign(`https://u:p@h.example.com`), `"https://${REDACTED}@h.example.com"`);
    });
});
