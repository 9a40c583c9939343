import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mailCallbackUri, mailCallbackUris, parseNocobaseUrl, parseSubAppName } from "../../src/registration/redirect-uris";

function base(raw: string) {
    const parsed = parseNocobaseUrl(raw);
    assert.ok(parsed.ok, `expected ${raw} to parse, got ${parsed.ok ? "" : parsed.problem}`);
    return parsed.value;
}

function problem(raw: string): string {
    const parsed = parseNocobaseUrl(raw);
    assert.ok(!parsed.ok, `expected ${raw} to be refused`);
    return parsed.problem;
}

describe("mail OAuth callback derivation", () => {
    it("appends the fixed callback path at the root", () => {
        assert.equal(mailCallbackUri(base("https://crm.example.com"), undefined), "https://crm.example.com/admin/settings/mail/oauth2");
    });

    it("keeps the public path and normalises slashes", () => {
        const expected = "https://example.com/nocobase/admin/settings/mail/oauth2";
        for (const raw of ["https://example.com/nocobase", "https://example.com/nocobase/", "https://example.com//nocobase//", " https://example.com/nocobase "]) {
            assert.equal(mailCallbackUri(base(raw), undefined), expected, raw);
        }
    });

    it("puts the sub-application after the public path", () => {
        assert.equal(mailCallbackUri(base("https://example.com/nb/"), "sales"), "https://example.com/nb/apps/sales/admin/settings/mail/oauth2");
    });

    it("lower-cases the host, keeps a non-default port and drops the default one", () => {
        assert.equal(mailCallbackUri(base("https://CRM.Example.com:8443"), undefined), "https://crm.example.com:8443/admin/settings/mail/oauth2");
        assert.equal(mailCallbackUri(base("https://crm.example.com:443/"), undefined), "https://crm.example.com/admin/settings/mail/oauth2");
    });

    it("accepts http for localhost only", () => {
        assert.equal(mailCallbackUri(base("http://localhost:13000"), undefined), "http://localhost:13000/admin/settings/mail/oauth2");
        assert.match(problem("http://crm.example.com"), /http for a host other than localhost/);
    });

    it("lists each callback once, primary first, in the given order", () => {
        const uris = mailCallbackUris([base("https://b.example.com"), base("https://a.example.com"), base("https://b.example.com/")], "x");
        assert.deepEqual(uris, [
            "https://b.example.com/apps/x/admin/settings/mail/oauth2",
            "https://a.example.com/apps/x/admin/settings/mail/oauth2",
        ]);
    });
});

describe("NocoBase URL validation", () => {
    const refusals: Array<[string, RegExp]> = [
        ["", /empty/],
        ["crm.example.com", /not an absolute URL/],
        ["ftp://crm.example.com", /scheme ftp/],
        ["https://crm.example.com/?tenant=1", /query string/],
        ["https://crm.example.com/?", /query string/],
        ["https://crm.example.com/#x", /fragment/],
        ["https://*.example.com", /wildcard/],
        ["https://user:pw@crm.example.com", /user name or password/],
        ["https://crm.example.com/a(b)", /character \(/],
        ["https://crm.example.com/admin/settings/mail/oauth2", /admin pages/],
        ["https://crm.example.com/apps/sales", /nocobaseSubApp/],
    ];
    for (const [raw, pattern] of refusals) {
        it(`refuses ${JSON.stringify(raw)}`, () => {
            assert.match(problem(raw), pattern);
        });
    }
});

describe("sub-application names", () => {
    it("accepts letters, digits, _ and -", () => {
        assert.deepEqual(parseSubAppName("a_7zkx-sales"), { ok: true, value: "a_7zkx-sales" });
    });
    for (const bad of ["", "sales/eu", "../x", "-x", "a b", "x".repeat(65)]) {
        it(`refuses ${JSON.stringify(bad)}`, () => {
            assert.equal(parseSubAppName(bad).ok, false);
        });
    }
});
