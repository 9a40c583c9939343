// Pure rules of adoption: the kept permissions' form and order, redirect URI rules per platform, the
// refusal of a changed adopted ID, the bootstrap's owner lines, and the adopt command's arguments.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAdoptArguments } from "../../src/operations/adoption/adopt-arguments";
import { runPreflight } from "../../src/operations/adoption/adoption-preflight";
import type { GraphClient } from "../../src/microsoft/graph-client";
import { adoptionChangeProblem } from "../../src/registration/adoption-change";
import { formatApiPermission, parseApiPermission, redirectUriProblem, requiredResourceAccesses } from "../../src/registration/kept-settings";
import { stackOwnerLines } from "../../src/operations/bootstrap/stack-owners";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";
import { StackOutputsInputError } from "../../src/operations/stack-outputs";

const MAIL_READ = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca";
const OTHER_API = "00000002-0000-0ff1-ce00-000000000000";

describe("kept permissions", () => {
    it("round-trips <resource>/<type>/<id>, lower-casing the GUIDs", () => {
        const parsed = parseApiPermission(`${OTHER_API}/Role/ABCDEF01-0000-4000-8000-000000000000`);
        assert.deepEqual(parsed, { resourceAppId: OTHER_API, type: "Role", id: "abcdef01-0000-4000-8000-000000000000" });
        assert.equal(formatApiPermission(parsed), `${OTHER_API}/Role/abcdef01-0000-4000-8000-000000000000`);
    });

    it("refuses anything else", () => {
        for (const bad of ["Mail.Read", `${OTHER_API}/Delegated/${MAIL_READ}`, `${OTHER_API}/Scope`, `${OTHER_API}/Scope/${MAIL_READ}/x`]) {
            assert.equal(typeof parseApiPermission(bad), "string", bad);
        }
    });

    it("puts the five mail scopes first in their order, appends kept ones per API, and drops duplicates", () => {
        const graphMail = { resourceAppId: MICROSOFT_GRAPH_APP_ID, type: "Scope" as const, id: MAIL_DELEGATED_SCOPES[0].id };
        const mailRead = { resourceAppId: MICROSOFT_GRAPH_APP_ID, type: "Scope" as const, id: MAIL_READ };
        const other = { resourceAppId: OTHER_API, type: "Scope" as const, id: MAIL_READ };
        const lists = requiredResourceAccesses([other, graphMail, mailRead, mailRead]);
        assert.deepEqual(lists.map((l) => l.resourceAppId), [MICROSOFT_GRAPH_APP_ID, OTHER_API]);
        assert.deepEqual(lists[0].resourceAccesses.map((a) => a.id), [...MAIL_DELEGATED_SCOPES.map((s) => s.id), MAIL_READ]);
    });
});

describe("redirect URIs per platform", () => {
    it("accepts https everywhere, http only for localhost, custom schemes only for public clients", () => {
        assert.equal(redirectUriProblem("spa", "https://spa.example.com/auth"), undefined);
        assert.equal(redirectUriProblem("web", "http://localhost:3000/cb"), undefined);
        assert.equal(redirectUriProblem("publicClient", "msal1234://auth"), undefined);
        assert.match(redirectUriProblem("spa", "http://spa.example.com/auth") ?? "", /https/);
        assert.match(redirectUriProblem("web", "msal1234://auth") ?? "", /https/);
        assert.match(redirectUriProblem("publicClient", "https://*.example.com") ?? "", /wildcard/);
        assert.match(redirectUriProblem("spa", `https://example.com/${"a".repeat(260)}`) ?? "", /at most 256/);
    });
});

describe("changing the adopted registration", () => {
    const managed = "9a8b7c6d-1111-4222-8333-444455556666";

    it("accepts a new stack, the same ID in any case, and a removed setting", () => {
        assert.equal(adoptionChangeProblem("prod", undefined, managed), undefined);
        assert.equal(adoptionChangeProblem("prod", "", managed), undefined);
        assert.equal(adoptionChangeProblem("prod", managed, managed.toUpperCase()), undefined);
        assert.equal(adoptionChangeProblem("prod", managed, undefined), undefined);
    });

    it("refuses another ID with both ways out", () => {
        const problem = adoptionChangeProblem("prod", managed, "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd") ?? "";
        assert.match(problem, /already manages application 9a8b7c6d-/);
        assert.match(problem, /Fix: pulumi config rm --stack prod nocobase-entra-mail:adoptApplicationObjectId/);
        assert.match(problem, /pulumi config set --stack prod nocobase-entra-mail:adoptApplicationObjectId 9a8b7c6d-1111-4222-8333-444455556666/);
    });
});

describe("bootstrap's owner lines", () => {
    it("appends the deployer to each stack's owners, or says it is there", () => {
        const owners: Record<string, string[]> = { staging: [], prod: ["x", "y"], done: ["DEPLOYER"] };
        assert.deepEqual(stackOwnerLines(["staging", "prod", "done", "elsewhere"], "deployer", (s) => owners[s]), [
            "pulumi config set --stack staging --path 'nocobase-entra-mail:owners[0]' deployer",
            "pulumi config set --stack prod --path 'nocobase-entra-mail:owners[2]' deployer",
            "# stack done: the deployer is already in nocobase-entra-mail:owners",
            "pulumi config set --stack elsewhere --path 'nocobase-entra-mail:owners[<number of owners already listed>]' deployer",
        ]);
    });
});

describe("adopt arguments", () => {
    const id = "9a8b7c6d-1111-4222-8333-444455556666";

    it("parses the options with their defaults", () => {
        const args = parseAdoptArguments(["--stack", "prod", "--object-id", id.toUpperCase(), "--write", "--keep", "spa,permissions"]);
        assert.equal(args.objectId, id);
        assert.deepEqual([...args.keep].sort(), ["permissions", "spa"]);
        assert.equal(args.timeoutSeconds, 30);
        assert.deepEqual([...parseAdoptArguments(["--stack", "p", "--object-id", id]).keep].sort(), ["permissions", "public-client", "spa", "web"]);
        assert.equal(parseAdoptArguments(["--stack", "p", "--object-id", id, "--write", "--keep", "none"]).keep.size, 0);
    });

    it("refuses missing or malformed values", () => {
        assert.throws(() => parseAdoptArguments(["--object-id", id]), /--stack is required/);
        assert.throws(() => parseAdoptArguments(["--stack", "p", "--object-id", "app-name"]), /Object ID \(a GUID\), got "app-name"/);
        assert.throws(() => parseAdoptArguments(["--stack", "p", "--object-id", id, "--keep", "spa"]), /only with --write/);
        assert.throws(() => parseAdoptArguments(["--stack", "p", "--object-id", id, "--write", "--keep", "api"]), /unknown "api"/);
        assert.throws(() => parseAdoptArguments(["--stack", "p", "--object-id", id, "--deployer", "me"]), /--deployer needs an object ID/);
        assert.throws(() => parseAdoptArguments(["--stack", "p", "--object-id", id, "--bogus"]), /Unknown option '--bogus'/);
    });

    it("with --project, refuses another application than the one the stack's outputs name, before Graph is asked", async () => {
        const args = parseAdoptArguments(["--stack", "prod", "--object-id", id, "--project", "."]);
        assert.equal(args.projectDir, process.cwd());
        const managed = "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd";
        const untouched = new Proxy({}, { get: () => assert.fail("Graph must not be called") }) as GraphClient;
        const outcome = await runPreflight(args, {
            graph: untouched, signedInIdentity: () => assert.fail("no sign-in"), managedApplicationObjectId: () => Promise.resolve(managed),
        });
        assert.equal(outcome.exitCode, 1);
        assert.equal(outcome.output, `${adoptionChangeProblem("prod", managed, id)}\n`);
        const unreadable = await runPreflight(args, {
            graph: untouched, signedInIdentity: () => assert.fail("no sign-in"),
            managedApplicationObjectId: () => Promise.reject(new Error("cannot read the outputs of stack \"prod\"")),
        });
        // A backend that cannot be read is a failure while working (1); no such stack is unusable input (2).
        assert.deepEqual([unreadable.exitCode, unreadable.error], [1, "cannot read the outputs of stack \"prod\""]);
        const missing = await runPreflight(args, {
            graph: untouched, signedInIdentity: () => assert.fail("no sign-in"),
            managedApplicationObjectId: () => Promise.reject(new StackOutputsInputError("no stack \"prod\" in the backend")),
        });
        assert.deepEqual([missing.exitCode, missing.error], [2, "no stack \"prod\" in the backend"]);
    });
});
