import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { CONFIG_KEYS, DEFAULTS } from "../../src/configuration/config-keys";
import { applyChanges, ConfigChange, configChangeCommands, ConfigProblem, formatProblems, RawSettings, scheduleWithinCap, Settings, validateSettings } from "../../src/configuration/settings";

const base: RawSettings = { stack: "dev", nocobaseApiTokenSet: false, nocobaseUrl: "https://crm.example.com" };

function valid(raw: Partial<RawSettings>): Settings {
    const result = validateSettings({ ...base, ...raw });
    assert.ok(result.ok, result.ok ? "" : formatProblems(result.problems));
    return result.settings;
}

function problems(raw: Partial<RawSettings>): readonly ConfigProblem[] {
    const result = validateSettings({ ...base, ...raw });
    assert.ok(!result.ok, "expected the configuration to be refused");
    return result.problems;
}

function onlyProblem(raw: Partial<RawSettings>): ConfigProblem {
    const found = problems(raw);
    assert.equal(found.length, 1, formatProblems(found));
    return found[0];
}

describe("settings defaults", () => {
    it("applies every documented default", () => {
        const s = valid({});
        assert.equal(s.displayName, "NocoBase Email (dev)");
        assert.equal(s.signInAudience, "AzureADandPersonalMicrosoftAccount");
        assert.deepEqual(s.rotation, { rotationDays: 60, lifetimeDays: 180, generation: 1 });
        assert.equal(s.grantAdminConsent, false);
        assert.deepEqual(s.owners, []);
        assert.deepEqual(s.redirectUris, ["https://crm.example.com/admin/settings/mail/oauth2"]);
        assert.equal(s.nocobase, undefined);
        assert.deepEqual(s.nocobaseTarget, {
            apiUrl: "https://crm.example.com/api",
            clientIdVariable: "MICROSOFT_EMAIL_CLIENT_ID",
            clientSecretVariable: "MICROSOFT_EMAIL_CLIENT_SECRET",
        });
    });

    it("treats empty strings as unset, as Pulumi.yaml's defaults do", () => {
        const s = valid({ nocobaseSubApp: "", displayName: "", adoptApplicationObjectId: "", nocobaseApiUrl: "" });
        assert.equal(s.nocobaseSubApp, undefined);
        assert.equal(s.displayName, "NocoBase Email (dev)");
        assert.equal(s.adoptApplicationObjectId, undefined);
    });

    it("matches the defaults declared in Pulumi.yaml", () => {
        const project = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8")) as
            { config: Record<string, { default?: unknown; type: string }> };
        for (const [key, value] of Object.entries(DEFAULTS)) {
            assert.deepEqual(project.config[key]?.default, value, `Pulumi.yaml default of ${key}`);
        }
        for (const key of ["nocobaseSubApp", "displayName", "adoptApplicationObjectId", "nocobaseApiUrl", "adoptAdminConsentGrantId"]) {
            assert.equal(project.config[key]?.default, "", `Pulumi.yaml default of ${key} means unset`);
        }
        assert.equal(project.config.nocobaseUrl.default, undefined, "nocobaseUrl is required");
    });

    it("declares every configuration key in Pulumi.yaml with its type and a description", () => {
        const project = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8")) as
            { config: Record<string, { type?: string; description?: string; items?: { type: string } }> };
        const expectedTypes: Record<string, string> = {
            extraNocobaseUrls: "array", owners: "array", secretRotationDays: "integer", secretLifetimeDays: "integer",
            secretGeneration: "integer", grantAdminConsent: "boolean", secretLifetimeCapDays: "integer",
            additionalWebRedirectUris: "array", spaRedirectUris: "array", publicClientRedirectUris: "array", additionalPermissions: "array",
        };
        assert.deepEqual(Object.keys(project.config).sort(), [...CONFIG_KEYS].sort());
        for (const key of CONFIG_KEYS) {
            const declared = project.config[key];
            assert.equal(declared.type, expectedTypes[key] ?? "string", `type of ${key}`);
            assert.ok((declared.description ?? "").length > 20, `description of ${key}`);
            if (declared.type === "array") {
                assert.deepEqual(declared.items, { type: "string" }, `items of ${key}`);
            }
        }
    });

    it("derives the NocoBase API URL from the public path and sets the hand-over when a token exists", () => {
        const s = valid({ nocobaseUrl: "https://example.com/nocobase/", nocobaseApiTokenSet: true });
        assert.deepEqual(s.nocobase, { apiUrl: "https://example.com/nocobase/api", clientIdVariable: "MICROSOFT_EMAIL_CLIENT_ID", clientSecretVariable: "MICROSOFT_EMAIL_CLIENT_SECRET" });
    });

    it("parses lists, numbers and booleans as stack config stores them", () => {
        const s = valid({
            extraNocobaseUrls: JSON.stringify(["https://b.example.com"]),
            owners: JSON.stringify(["5F1C2A8E-3D4B-4C6A-9E7F-0A1B2C3D4E5F", "5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f"]),
            secretRotationDays: "30", secretLifetimeDays: "67", secretGeneration: "3", grantAdminConsent: "true",
            nocobaseSubApp: "sales",
        });
        assert.deepEqual(s.redirectUris, [
            "https://crm.example.com/apps/sales/admin/settings/mail/oauth2",
            "https://b.example.com/apps/sales/admin/settings/mail/oauth2",
        ]);
        assert.deepEqual(s.owners, ["5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f"]);
        assert.deepEqual(s.rotation, { rotationDays: 30, lifetimeDays: 67, generation: 3 });
        assert.equal(s.grantAdminConsent, true);
    });
});

describe("settings: what Email Settings read", () => {
    it("leaves emailSettings unchosen when unset, and takes a chosen mode and a key ID in lower case", () => {
        assert.equal(valid({}).emailSettings, undefined);
        assert.equal(valid({}).pastedSecretKeyId, undefined);
        const s = valid({ emailSettings: " variables " });
        assert.equal(s.emailSettings, "variables");
        const p = valid({ emailSettings: "pasted", pastedSecretKeyId: "7B1C2A8E-3D4B-4C6A-9E7F-0A1B2C3D4E5F" });
        assert.deepEqual([p.emailSettings, p.pastedSecretKeyId], ["pasted", "7b1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f"]);
    });

    it("never repeats a malformed key ID that could be the pasted secret itself", () => {
        const secretLike = "Q~8Zx" + "a".repeat(35);
        const p = onlyProblem({ pastedSecretKeyId: secretLike });
        assert.ok(!`${p.problem} ${p.fix}`.includes(secretLike), p.problem);
    });
});

describe("settings refusals", () => {
    const cases: Array<[string, Partial<RawSettings>, string, RegExp]> = [
        ["a missing nocobaseUrl", { nocobaseUrl: undefined }, "nocobaseUrl", /pulumi config set --stack dev nocobase-entra-mail:nocobaseUrl https:\/\//],
        ["a malformed nocobaseUrl", { nocobaseUrl: "crm.example.com" }, "nocobaseUrl", /"crm\.example\.com" is not an absolute URL/],
        ["http for a public host", { nocobaseUrl: "http://crm.example.com" }, "nocobaseUrl", /"http:\/\/crm\.example\.com" uses http/],
        ["a query in an extra URL", { extraNocobaseUrls: '["https://b.example.com/?a=1"]' }, "extraNocobaseUrls", /extraNocobaseUrls\[0\]/],
        ["a wildcard", { nocobaseUrl: "https://*.example.com" }, "nocobaseUrl", /wildcard/],
        ["a bad sub-app name", { nocobaseSubApp: "sales/eu" }, "nocobaseSubApp", /"sales\/eu"/],
        ["a lifetime without room for the overlap", { secretRotationDays: "90", secretLifetimeDays: "180" }, "secretLifetimeDays", /is 180, below 2 x secretRotationDays \(90\) \+ 7 days of slack = 187[\s\S]*secretLifetimeDays 187/],
        ["a lifetime beyond Microsoft's maximum", { secretLifetimeDays: "800" }, "secretLifetimeDays", /at most 730 days/],
        ["the default lifetime above a 90-day cap", { secretLifetimeCapDays: "90" }, "secretLifetimeDays",
            /is 180, above secretLifetimeCapDays \(90\)[\s\S]*CredentialInvalidLifetimeAsPerAppPolicy[\s\S]*at most 41 days[\s\S]*Fix: pulumi config set --stack dev nocobase-entra-mail:secretLifetimeDays 90 && pulumi config set --stack dev nocobase-entra-mail:secretRotationDays 41$/],
        ["a cap that is not a number", { secretLifetimeCapDays: "P90D" }, "secretLifetimeCapDays", /"P90D", not a whole number[\s\S]*Fix: pulumi config rm --stack dev nocobase-entra-mail:secretLifetimeCapDays$/],
        ["a cap no schedule fits", { secretLifetimeCapDays: "8" }, "secretLifetimeCapDays", /is 8; no schedule fits a cap below 9 days/],
        ["a rotation period that is not a number", { secretRotationDays: "ninety" }, "secretRotationDays", /"ninety", not a whole number/],
        ["a fractional generation", { secretGeneration: "1.5" }, "secretGeneration", /not a whole number/],
        ["a zero rotation period", { secretRotationDays: "0" }, "secretRotationDays", /at least 1/],
        ["an unknown audience", { signInAudience: "Everyone" }, "signInAudience", /"Everyone"; it must be one of AzureADMyOrg/],
        ["a display name over the personal-account limit", { displayName: "x".repeat(91) }, "displayName", /at most 90/],
        ["a non-boolean consent flag", { grantAdminConsent: "yes" }, "grantAdminConsent", /true or false/],
        ["an owner that is not a GUID", { owners: '["alice@example.com"]' }, "owners", /"alice@example\.com", not an object ID/],
        ["owners that are not a list", { owners: "alice" }, "owners", /not a list/],
        ["an adopt ID that is not a GUID", { adoptApplicationObjectId: "my-app" }, "adoptApplicationObjectId", /"my-app"/],
        ["a bad NocoBase variable name", { nocobaseClientIdVariable: "1-client" }, "nocobaseClientIdVariable", /"1-client"/],
        ["the same variable for ID and secret", { nocobaseClientSecretVariable: "MICROSOFT_EMAIL_CLIENT_ID" }, "nocobaseClientSecretVariable", /"MICROSOFT_EMAIL_CLIENT_ID": the client ID and the client secret would both be written/],
        ["an http API URL off this machine", { nocobaseApiUrl: "http://nocobase.internal:13000/api" }, "nocobaseApiUrl", /"http:\/\/nocobase\.internal:13000\/api": uses http for a host other than localhost/],
        ["an unknown emailSettings value", { emailSettings: "manual" }, "emailSettings", /is "manual"; it must be one of pasted, variables[\s\S]*Fix: pulumi config set --stack dev nocobase-entra-mail:emailSettings pasted$/],
        ["a pasted key ID that is not a GUID", { pastedSecretKeyId: "slot-a" }, "pastedSecretKeyId",
            /is "slot-a", not a client secret's key ID \(a GUID\) Fix: pulumi config set --stack dev nocobase-entra-mail:pastedSecretKeyId <key ID from: nocobase-entra-mail email-settings --stack dev>$/],
        ["a pasted key ID on a variables stack", { emailSettings: "variables", pastedSecretKeyId: "7b1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f" }, "pastedSecretKeyId",
            /is set but emailSettings is variables[\s\S]*Fix: pulumi config rm --stack dev nocobase-entra-mail:pastedSecretKeyId$/],
    ];
    for (const [what, raw, key, pattern] of cases) {
        it(`refuses ${what}`, () => {
            const p = onlyProblem(raw);
            assert.equal(p.key, key);
            assert.match(`${p.problem} Fix: ${p.fix}`, pattern);
            assert.ok(p.fix.length > 10, "names a fix");
        });
    }

    it("accepts exactly twice the rotation plus seven days of slack, and refuses a day less", () => {
        assert.deepEqual(valid({ secretRotationDays: "30", secretLifetimeDays: "67" }).rotation, { rotationDays: 30, lifetimeDays: 67, generation: 1 });
        assert.equal(onlyProblem({ secretRotationDays: "30", secretLifetimeDays: "66" }).key, "secretLifetimeDays");
    });

    // Each fix is a `pulumi config set` of the schedule; applying it must give a configuration the rules accept.
    const schedules: Array<[string, Partial<RawSettings>]> = [
        ["the old 90/180 schedule", { secretRotationDays: "90", secretLifetimeDays: "180" }],
        ["a lifetime beyond Microsoft's maximum", { secretLifetimeDays: "800" }],
        ["a long rotation with a long lifetime", { secretRotationDays: "300", secretLifetimeDays: "800" }],
        ["a rotation no lifetime can cover", { secretRotationDays: "400", secretLifetimeDays: "700" }],
        ["a short lifetime", { secretRotationDays: "30", secretLifetimeDays: "40" }],
        ["the defaults under a 90-day cap", { secretLifetimeCapDays: "90" }],
        ["a lifetime above a 180-day cap", { secretRotationDays: "30", secretLifetimeDays: "365", secretLifetimeCapDays: "180" }],
        ["a rotation too long for a cap", { secretRotationDays: "60", secretLifetimeDays: "90", secretLifetimeCapDays: "90" }],
    ];
    for (const [what, raw] of schedules) {
        it(`refuses ${what} with a fix the rules accept`, () => {
            const p = onlyProblem(raw);
            const fixed: Record<string, string> = { ...(raw as Record<string, string>) };
            for (const command of p.fix.split(" && ")) {
                const match = /^pulumi config set --stack dev nocobase-entra-mail:(\w+) (\d+)$/.exec(command);
                assert.ok(match !== null, `a config set command: ${command}`);
                fixed[match[1]] = match[2];
            }
            const rotation = valid(fixed).rotation;
            assert.ok(rotation.lifetimeDays >= 2 * rotation.rotationDays + 7 && rotation.lifetimeDays <= 730);
        });
    }

    it("accepts a lifetime equal to the tenant's cap, and refuses a day more", () => {
        const s = valid({ secretRotationDays: "41", secretLifetimeDays: "90", secretLifetimeCapDays: "90" });
        assert.equal(s.secretLifetimeCapDays, 90);
        assert.equal(valid({}).secretLifetimeCapDays, undefined);
        assert.equal(valid({ secretLifetimeCapDays: "0" }).secretLifetimeCapDays, undefined, "0, the default, declares no cap");
        assert.equal(onlyProblem({ secretRotationDays: "41", secretLifetimeDays: "91", secretLifetimeCapDays: "90" }).fix,
            "pulumi config set --stack dev nocobase-entra-mail:secretLifetimeDays 90");
        assert.equal(onlyProblem({ secretRotationDays: "42", secretLifetimeDays: "90", secretLifetimeCapDays: "90" }).fix,
            "pulumi config set --stack dev nocobase-entra-mail:secretRotationDays 41");
    });

    it("fits a schedule into a cap as the doctor prints it, and the result is accepted", () => {
        const changes = scheduleWithinCap({ rotationDays: 60, lifetimeDays: 180 }, 90);
        assert.deepEqual(changes, [
            { key: "secretLifetimeCapDays", value: "90" },
            { key: "secretLifetimeDays", value: "90" },
            { key: "secretRotationDays", value: "41" },
        ]);
        assert.equal(configChangeCommands("customer-a", changes ?? []),
            "pulumi config set --stack customer-a nocobase-entra-mail:secretLifetimeCapDays 90 && " +
            "pulumi config set --stack customer-a nocobase-entra-mail:secretLifetimeDays 90 && " +
            "pulumi config set --stack customer-a nocobase-entra-mail:secretRotationDays 41");
        assert.ok(validateSettings(applyChanges(base, changes ?? [])).ok);
        for (const cap of [9, 10, 30, 89, 90, 180, 365, 1000]) {
            for (const [rotationDays, lifetimeDays] of [[60, 180], [1, 9], [30, 67], [300, 730]]) {
                const fitted = scheduleWithinCap({ rotationDays, lifetimeDays }, cap);
                const raw = { ...base, secretRotationDays: String(rotationDays), secretLifetimeDays: String(lifetimeDays) };
                const result = validateSettings(applyChanges(raw, fitted ?? []));
                assert.ok(result.ok, `cap ${cap}, ${rotationDays}/${lifetimeDays}: ${result.ok ? "" : formatProblems(result.problems)}`);
            }
        }
        assert.equal(scheduleWithinCap({ rotationDays: 60, lifetimeDays: 180 }, 8), undefined, "no schedule fits a cap below 9 days");
    });

    it("accepts a 120-character display name for an organisation-only audience", () => {
        assert.equal(valid({ signInAudience: "AzureADMyOrg", displayName: "x".repeat(120) }).displayName.length, 120);
        assert.equal(onlyProblem({ signInAudience: "AzureADMyOrg", displayName: "x".repeat(121) }).key, "displayName");
    });

    it("refuses more than 100 redirect URIs when personal accounts may sign in, and allows them for one organisation", () => {
        const extra = JSON.stringify(Array.from({ length: 100 }, (_, i) => `https://h${i}.example.com`));
        assert.match(onlyProblem({ extraNocobaseUrls: extra }).problem, /101 redirect URIs; Microsoft allows at most 100/);
        assert.equal(valid({ extraNocobaseUrls: extra, signInAudience: "AzureADMyOrg" }).redirectUris.length, 101);
    });

    it("refuses a redirect URI longer than 256 characters", () => {
        assert.match(onlyProblem({ nocobaseUrl: `https://example.com/${"p".repeat(220)}` }).problem, /at most 256/);
    });

    it("reports every problem in one message, each with its key and fix", () => {
        const found = problems({ nocobaseUrl: "ftp://x", secretLifetimeDays: "10", signInAudience: "nobody" });
        assert.deepEqual(found.map((p) => p.key).sort(), ["nocobaseUrl", "secretLifetimeDays", "signInAudience"]);
        const message = formatProblems(found);
        assert.match(message, /^Stack configuration has 3 problems; nothing was created or changed/);
        assert.equal((message.match(/Fix: /g) ?? []).length, 3);
    });
});

describe("settings an adopted registration keeps", () => {
    it("reads kept redirect URIs and permissions, without repeating NocoBase's callback", () => {
        const s = valid({
            additionalWebRedirectUris: JSON.stringify(["https://crm.example.com/admin/settings/mail/oauth2", "https://reports.example.com/cb"]),
            spaRedirectUris: JSON.stringify(["https://spa.example.com/auth", "https://spa.example.com/auth"]),
            publicClientRedirectUris: JSON.stringify(["msal1234://auth"]),
            additionalPermissions: JSON.stringify(["00000003-0000-0000-c000-000000000000/Scope/570282FD-fa5c-430d-a7fd-fc8dc98a9dca"]),
            grantAdminConsent: "true",
            adoptAdminConsentGrantId: "abc_DEF-123",
        });
        assert.deepEqual(s.additionalWebRedirectUris, ["https://reports.example.com/cb"]);
        assert.deepEqual(s.spaRedirectUris, ["https://spa.example.com/auth"]);
        assert.deepEqual(s.publicClientRedirectUris, ["msal1234://auth"]);
        assert.deepEqual(s.additionalPermissions, [{ resourceAppId: "00000003-0000-0000-c000-000000000000", type: "Scope", id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca" }]);
        assert.equal(s.adoptAdminConsentGrantId, "abc_DEF-123");
    });

    it("refuses an SPA redirect URI over http, with the path to fix", () => {
        const p = onlyProblem({ spaRedirectUris: JSON.stringify(["http://spa.example.com/auth"]) });
        assert.equal(p.key, "spaRedirectUris");
        assert.match(p.problem, /entry 0 is "http:\/\/spa.example.com\/auth", which must use https/);
        assert.match(p.fix, /pulumi config set --stack dev --path 'nocobase-entra-mail:spaRedirectUris\[0\]'/);
    });

    it("refuses a permission not in <resource>/<Scope|Role>/<id> form", () => {
        const p = onlyProblem({ additionalPermissions: JSON.stringify(["Mail.Read"]) });
        assert.equal(p.key, "additionalPermissions");
        assert.match(p.problem, /entry 0 "Mail.Read" is not <resource app ID>\/<Scope\|Role>\/<permission ID>/);
    });

    it("refuses more redirect URIs than Microsoft allows across platforms", () => {
        const many = Array.from({ length: 100 }, (_, i) => `https://spa${i}.example.com/auth`);
        const p = onlyProblem({ spaRedirectUris: JSON.stringify(many) });
        assert.equal(p.key, "additionalWebRedirectUris");
        assert.match(p.problem, /gives 101 redirect URIs; Microsoft allows at most 100 in all/);
    });

    it("refuses a grant to import when the stack grants no admin consent", () => {
        const p = onlyProblem({ adoptAdminConsentGrantId: "abc" });
        assert.equal(p.key, "adoptAdminConsentGrantId");
        assert.match(p.fix, /^pulumi config rm --stack dev nocobase-entra-mail:adoptAdminConsentGrantId/);
        assert.equal(onlyProblem({ adoptAdminConsentGrantId: "a b", grantAdminConsent: "true" }).problem, 'is "a b", not an oauth2PermissionGrant ID');
    });
});

describe("settings never echo a credential", () => {
    const KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlTmFtZSI6InJvb3QifQ.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ";
    const PASSWORD = "hunter2-Pa55word";
    const CLIENT_SECRET = "Xy8Q~a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXy";
    const planted: Array<[string, Partial<RawSettings>]> = [
        ["a password in nocobaseUrl", { nocobaseUrl: `https://admin:${PASSWORD}@crm.example.com` }],
        ["an API key pasted as nocobaseUrl", { nocobaseUrl: KEY }],
        ["an API key in nocobaseUrl's query", { nocobaseUrl: `https://crm.example.com/?token=${KEY}` }],
        ["an API key in nocobaseUrl's path", { nocobaseUrl: `http://crm.example.com/${KEY}` }],
        ["a password in an extra URL", { extraNocobaseUrls: JSON.stringify([`ftp://bob:${PASSWORD}@b.example.com`]) }],
        ["a key as an extra URL", { extraNocobaseUrls: JSON.stringify([CLIENT_SECRET]) }],
        ["a key instead of a list", { extraNocobaseUrls: KEY }],
        ["a password in nocobaseApiUrl", { nocobaseApiUrl: `https://admin:${PASSWORD}@crm.example.com/api` }],
        ["an API key pasted as nocobaseApiUrl", { nocobaseApiUrl: KEY }],
        ["an API key in nocobaseApiUrl's query", { nocobaseApiUrl: `https://crm.example.com/api?key=${KEY}` }],
        ["a key as a variable name", { nocobaseClientSecretVariable: CLIENT_SECRET }],
        ["a key as the sub-application", { nocobaseSubApp: CLIENT_SECRET }],
        ["a key as the audience", { signInAudience: KEY }],
        ["a key as a number", { secretRotationDays: CLIENT_SECRET }],
        ["a key as a boolean", { grantAdminConsent: KEY }],
        ["a key as an owner", { owners: JSON.stringify([KEY]) }],
        ["a key as the adopted object ID", { adoptApplicationObjectId: CLIENT_SECRET }],
        ["a key in an over-long display name", { displayName: `${"x".repeat(80)} ${KEY}` }],
        ["a key under a mistyped key name", { unknownKeys: { nocobaseApiTokn: KEY, displayNme: CLIENT_SECRET } }],
    ];
    for (const [what, raw] of planted) {
        it(`refuses ${what} without showing it`, () => {
            const message = formatProblems(problems(raw));
            for (const secret of [KEY, PASSWORD, CLIENT_SECRET]) {
                for (let i = 0; i + 8 <= secret.length; i++) {
                    assert.ok(!message.includes(secret.slice(i, i + 8)), `a piece of a credential leaked:\n${message}`);
                }
            }
        });
    }
});

describe("configuration checks", () => {
    it("refuses the IPv6 loopback, which Microsoft does not support in redirect URIs", () => {
        for (const url of ["https://[::1]", "http://[::1]:13000", "https://[0:0:0:0:0:0:0:1]/nb"]) {
            const p = onlyProblem({ nocobaseUrl: url });
            assert.equal(p.key, "nocobaseUrl");
            assert.match(p.problem, /IPv6 loopback address \[::1\]/);
        }
        assert.match(onlyProblem({ extraNocobaseUrls: '["https://[::1]"]' }).problem, /entry 0 .*IPv6 loopback/);
    });

    it("names the key of a malformed percent-escape instead of crashing", () => {
        for (const [raw, key] of [[{ nocobaseUrl: "https://crm.example.com/a%zz" }, "nocobaseUrl"],
            [{ extraNocobaseUrls: '["https://b.example.com/%E0%A4%A"]' }, "extraNocobaseUrls"]] as const) {
            const p = onlyProblem(raw);
            assert.equal(p.key, key);
            assert.match(p.problem, /malformed percent-escape/);
        }
    });

    it("blames an over-long callback on the extra URL and item it comes from", () => {
        const long = `https://b.example.com/${"p".repeat(220)}`;
        const p = onlyProblem({ extraNocobaseUrls: JSON.stringify(["https://a.example.com", long]) });
        assert.equal(p.key, "extraNocobaseUrls");
        assert.match(p.problem, /^entry 1 gives the redirect URI/);
        assert.equal(p.fix, "pulumi config rm --stack dev --path 'nocobase-entra-mail:extraNocobaseUrls[1]'");
    });

    it("blames a rotation period at or above the longest lifetime on the rotation period", () => {
        const p = onlyProblem({ secretRotationDays: "730", secretLifetimeDays: "730" });
        assert.equal(p.key, "secretRotationDays");
        assert.match(p.problem, /is 730, too long for secretLifetimeDays \(730\)/);
        assert.equal(p.fix, "pulumi config set --stack dev nocobase-entra-mail:secretRotationDays 361");
    });

    it("refuses unknown keys of the namespace, naming the nearest known key", () => {
        const p = onlyProblem({ unknownKeys: { grantAdminConsents: "true" } });
        assert.equal(p.key, "grantAdminConsents");
        assert.match(p.problem, /did you mean grantAdminConsent$/);
        assert.equal(p.fix, "pulumi config rm --stack dev nocobase-entra-mail:grantAdminConsents && " +
            "pulumi config set --stack dev nocobase-entra-mail:grantAdminConsent true");
        assert.match(onlyProblem({ unknownKeys: { colour: "blue" } }).fix, /^pulumi config rm --stack dev nocobase-entra-mail:colour$/);
        assert.match(onlyProblem({ unknownKeys: { nocobaseApiTokn: "x" } }).fix,
            /pulumi config set --stack dev --secret nocobase-entra-mail:nocobaseApiToken <API key>/);
    });

    it("refuses an empty API key, in stack config or in the environment", () => {
        const inConfig = onlyProblem({ nocobaseApiTokenBlankIn: "config" });
        assert.equal(inConfig.key, "nocobaseApiToken");
        assert.match(inConfig.fix, /^pulumi config set --stack dev --secret nocobase-entra-mail:nocobaseApiToken </);
        assert.match(onlyProblem({ nocobaseApiTokenBlankIn: "environment" }).problem, /NOCOBASE_API_TOKEN is set but empty/);
    });
});

/**
 * Reads the `pulumi config set/rm` commands of a fix back into changes, filling placeholders with valid
 * values. Each command must name the stack the configuration belongs to.
 */
function changesOf(fix: string, stack: string): ConfigChange[] | undefined {
    const commands = fix.split(" && ");
    if (!commands.every((c) => c.startsWith("pulumi config "))) {
        return undefined;
    }
    const placeholder = (key: string): string => key === "owners" || key === "adoptApplicationObjectId" || key === "pastedSecretKeyId"
        ? "6a1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f" : key === "nocobaseApiToken" ? "a-key" : "https://crm.example.com";
    return commands.map((command) => {
        const match = /^pulumi config (set|rm) --stack (\S+)( --secret)? (?:--path '([^']+)'|(\S+))(?: (.+))?$/.exec(command);
        assert.ok(match, `not a command users can run on the stack: ${command}`);
        const [, verb, named, secret, path, name, rawValue] = match;
        assert.equal(named, stack, `the command edits another stack: ${command}`);
        const full = /^nocobase-entra-mail:([A-Za-z]+)(?:\[(\d+)\])?$/.exec(path ?? name);
        assert.ok(full, `not a key of the namespace: ${command}`);
        const key = full[1];
        let value = verb === "rm" ? undefined : rawValue.startsWith("'") ? rawValue.slice(1, -1).replace(/'\\''/g, "'") : rawValue;
        if (value !== undefined && /^<.*>$/.test(value)) {
            value = placeholder(key);
        }
        return { key, index: full[2] === undefined ? undefined : Number(full[2]), value, secret: secret !== undefined };
    });
}

describe("every suggested fix is itself accepted", () => {
    /** Values per key, good and bad, that the generator combines. */
    const pools: Record<string, ReadonlyArray<string | undefined>> = {
        nocobaseUrl: [undefined, "https://crm.example.com", "crm.example.com", "http://crm.example.com", "https://[::1]",
            "https://crm.example.com/a%zz", `https://example.com/${"p".repeat(230)}`, "https://u:p@crm.example.com"],
        nocobaseSubApp: [undefined, "sales", "sales/eu", "x".repeat(64)],
        extraNocobaseUrls: [undefined, "[]", '["https://b.example.com"]', '["ftp://b.example.com","https://c.example.com"]',
            JSON.stringify([`https://b.example.com/${"q".repeat(230)}`]), "not-a-list", "[1,2]"],
        displayName: [undefined, "NocoBase", "x".repeat(95), "x".repeat(125)],
        signInAudience: [undefined, "AzureADMyOrg", "PersonalMicrosoftAccount", "Everyone"],
        secretRotationDays: [undefined, "1", "30", "90", "400", "730", "800", "0", "ninety"],
        secretLifetimeDays: [undefined, "2", "60", "90", "180", "730", "800", "1", "forever"],
        secretGeneration: [undefined, "1", "7", "0", "1.5"],
        secretLifetimeCapDays: [undefined, "90", "180", "30", "9", "8", "0", "ninety"],
        grantAdminConsent: [undefined, "true", "false", "yes"],
        owners: [undefined, '["5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f"]', '["alice@example.com"]', "alice"],
        adoptApplicationObjectId: [undefined, "5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f", "my-app"],
        nocobaseApiUrl: [undefined, "https://crm.internal.example.com/api", "http://nocobase.internal/api", "https://x.example.com/v1", "api"],
        nocobaseClientIdVariable: [undefined, "OUTLOOK_ID", "1-client", "MICROSOFT_EMAIL_CLIENT_SECRET"],
        nocobaseClientSecretVariable: [undefined, "OUTLOOK_SECRET", "MICROSOFT_EMAIL_CLIENT_ID", "bad name"],
        emailSettings: [undefined, "pasted", "variables", "manual"],
        pastedSecretKeyId: [undefined, "7b1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f", "slot-a"],
    };
    const unknownPool: ReadonlyArray<Record<string, string>> = [{}, { grantAdminConsents: "true" }, { secretRotationDay: "30" }, { colour: "blue" }];
    const blankPool: ReadonlyArray<RawSettings["nocobaseApiTokenBlankIn"]> = [undefined, "config", "environment"];
    /** Stack names a fix's `--stack` must repeat: one stack per customer, several on one machine. */
    const stackNames = ["dev", "customer-a", "contoso.prod"];

    /** A small deterministic generator, so a failure can be reproduced. */
    function random(seed: number): () => number {
        let state = seed;
        return () => {
            state = (state * 1103515245 + 12345) % 2147483648;
            return state / 2147483648;
        };
    }

    /** Fixes that are a decision for a person (which URL to drop), not a command. */
    const PROSE_FIXES = /^(remove URLs from extraNocobaseUrls|use a shorter NocoBase URL)/;

    it("applies each fix of 400 generated configurations and finds the problem gone, and no new one", () => {
        const next = random(20261125);
        const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
        let checked = 0;
        for (let run = 0; run < 400; run++) {
            const raw: RawSettings = {
                ...Object.fromEntries(Object.entries(pools).map(([key, values]) => [key, next() < 0.5 ? undefined : pick(values)])),
                nocobaseUrl: pick(pools.nocobaseUrl.slice(1)),
                // By turns rather than drawn, so the generated configurations stay those of the seed.
                stack: stackNames[run % stackNames.length],
                nocobaseApiTokenSet: false,
                nocobaseApiTokenBlankIn: next() < 0.2 ? pick(blankPool) : undefined,
                unknownKeys: next() < 0.3 ? pick(unknownPool) : {},
            };
            const result = validateSettings(raw);
            if (result.ok) {
                continue;
            }
            const keysBefore = new Set(result.problems.map((p) => p.key));
            for (const problem of result.problems) {
                const changes = changesOf(problem.fix, raw.stack);
                if (changes === undefined) {
                    assert.match(problem.fix, PROSE_FIXES, `fix is neither a command nor a known decision: ${formatProblems([problem])}`);
                    continue;
                }
                const after = validateSettings(applyChanges(raw, changes));
                const context = `${formatProblems([problem])}\nin ${JSON.stringify(raw)}\nafter it: ${after.ok ? "accepted" : formatProblems(after.problems)}`;
                if (!after.ok) {
                    assert.ok(after.problems.every((p) => p.key !== problem.key), `the fix is refused again:\n${context}`);
                    assert.ok(after.problems.every((p) => keysBefore.has(p.key)), `the fix breaks another key:\n${context}`);
                }
                checked++;
            }
        }
        assert.ok(checked > 300, `only ${checked} fixes were checked`);
    });
});
