import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePushArguments } from "../../src/operations/push/push-arguments";
import {
    apiUrlProblem, normaliseApiUrl, variableNameProblem, variableNamesProblem,
} from "../../src/nocobase/variable-names";

describe("NocoBase variable names", () => {
    it("accepts NocoBase's own pattern", () => {
        for (const name of ["MICROSOFT_EMAIL_CLIENT_ID", "a", "Mail_2", "x_"]) {
            assert.equal(variableNameProblem(name), null, name);
        }
    });

    it("refuses names NocoBase rejects, quoting the name", () => {
        for (const name of ["1ABC", "_ABC", "MAIL-ID", "MAIL ID", "MAIL.ID", "É"]) {
            const problem = variableNameProblem(name);
            assert.ok(problem?.includes(`"${name}"`), `${name}: ${problem}`);
            assert.match(problem ?? "", /start with a letter and contain only letters, digits and _/);
        }
    });

    it("refuses an empty or overlong name", () => {
        assert.equal(variableNameProblem(""), "is empty");
        assert.match(variableNameProblem(`A${"b".repeat(255)}`) ?? "", /at most 255/);
    });

    it("refuses the same name for client ID and secret", () => {
        assert.match(variableNamesProblem("SAME", "SAME") ?? "", /both be written to "SAME"/);
        assert.equal(variableNamesProblem("A", "B"), null);
    });
});

describe("NocoBase API URL", () => {
    it("accepts https anywhere and http on loopback, ending in /api", () => {
        for (const url of ["https://crm.example.com/api", "https://crm.example.com/nocobase/api/", "http://localhost:13000/api", "http://127.0.0.1:13000/api"]) {
            assert.equal(apiUrlProblem(url), null, url);
        }
    });

    it("refuses http to another host, since the API key would travel unencrypted", () => {
        assert.match(apiUrlProblem("http://crm.example.com/api") ?? "", /unencrypted; use https/);
    });

    it("refuses a URL that is not NocoBase's API base", () => {
        assert.match(apiUrlProblem("https://crm.example.com") ?? "", /does not end in \/api/);
        assert.match(apiUrlProblem("crm.example.com/api") ?? "", /not an absolute URL/);
        assert.match(apiUrlProblem("ftp://crm.example.com/api") ?? "", /scheme ftp/);
        assert.match(apiUrlProblem("https://crm.example.com/api?x=1") ?? "", /query string/);
        assert.match(apiUrlProblem("https://crm.example.com/api#x") ?? "", /fragment/);
        assert.match(apiUrlProblem("https://user:pw@crm.example.com/api") ?? "", /user name or password/);
        assert.equal(apiUrlProblem("  "), "is empty");
    });

    it("normalises blanks and trailing slashes away", () => {
        assert.equal(normaliseApiUrl(" https://crm.example.com/api// "), "https://crm.example.com/api");
    });
});

describe("push-to-nocobase arguments", () => {
    it("takes a file, stdin by default or with -, and --api-url in both spellings", () => {
        const none = { help: false, apiUrl: undefined, file: undefined, stack: undefined, projectDir: "/work" };
        assert.deepEqual(parsePushArguments([], "/work"), none);
        assert.deepEqual(parsePushArguments(["-"], "/work"), none);
        assert.deepEqual(parsePushArguments(["--api-url", "https://x.example/api", "out.json"], "/work"),
            { ...none, apiUrl: "https://x.example/api", file: "out.json" });
        assert.deepEqual(parsePushArguments(["--stack", "prod", "--project", "infra"], "/work"), { ...none, stack: "prod", projectDir: "/work/infra" });
        assert.equal(parsePushArguments(["--api-url=https://y.example/api"]).apiUrl, "https://y.example/api");
        assert.equal(parsePushArguments(["--help"]).help, true);
    });

    it("refuses unknown options, a missing value and two files", () => {
        assert.throws(() => parsePushArguments(["--force"]), /Unknown option '--force'/);
        assert.throws(() => parsePushArguments(["--api-url"]), /'--api-url <value>' argument missing/);
        assert.throws(() => parsePushArguments(["--api-url", "--help"]), /'--api-url' argument is ambiguous/);
        assert.throws(() => parsePushArguments(["a.json", "b.json"]), /one outputs file at a time/);
        assert.throws(() => parsePushArguments(["--stack", "prod", "a.json"]), /give an outputs file or --stack, not both/);
        assert.throws(() => parsePushArguments(["--stack="]), /--stack needs a stack name/);
        assert.throws(() => parsePushArguments(["--project", "infra"]), /--project applies only with --stack/);
    });
});
