import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseBootstrapArguments } from "../../src/operations/bootstrap/deployer-permissions";
import { COMMANDS } from "../../src/operations/command-registry";
import { parseCommandLine, UsageError } from "../../src/operations/command-line";
import { parseDoctorArguments } from "../../src/operations/doctor/doctor-arguments";
import { parsePushArguments } from "../../src/operations/push/push-arguments";
import { renderCommandUsage } from "../../src/operations/tool-runner";
import { API_TOKEN_KEY, CONFIG_KEYS, CONFIG_NAMESPACE } from "../../src/configuration/config-keys";

const TENANT = { AZURE_TENANT_ID: "6a1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f" };

describe("command lines", () => {
    it("take --help and -h everywhere", () => {
        assert.equal(parseDoctorArguments(["--help"]).help, true);
        assert.equal(parseDoctorArguments(["-h"]).help, true);
        assert.equal(parseBootstrapArguments(["--help"], {}).help, true);
        assert.equal(parsePushArguments(["-h"]).help, true);
    });

    it("state the one exit-code contract in every usage", () => {
        for (const usage of COMMANDS.map(renderCommandUsage)) {
            assert.match(usage, /-h, --help/);
            assert.match(usage, /\nExit codes: 0 [^\n]*, 1 [^\n]*, 2 the command line or its input is unusable\.\n$/);
            assert.equal(usage.match(/Exit codes/g)?.length, 1, "the renderer adds the one exit-code line");
        }
    });

    it("name only configuration keys that exist", () => {
        const known = new Set<string>([...CONFIG_KEYS, API_TOKEN_KEY]);
        for (const usage of COMMANDS.map(renderCommandUsage)) {
            for (const [, key] of usage.matchAll(new RegExp(`${CONFIG_NAMESPACE}:([A-Za-z]+)`, "g"))) {
                assert.ok(known.has(key), `${key} is not a configuration key`);
            }
            assert.doesNotMatch(usage, /\badminConsent\b/, "the key is grantAdminConsent");
        }
    });

    it("refuse unknown options as usage errors without repeating a pasted key", () => {
        const key = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoicm9vdCJ9.c2lnbmF0dXJlLXZhbHVlLXBhcnQ";
        assert.throws(() => parseCommandLine([`--token=${key}`], {}, false), (err: Error) => {
            assert.ok(err instanceof UsageError);
            assert.match(err.message, /Unknown option '--token'/);
            assert.ok(!err.message.includes(key.slice(0, 12)), err.message);
            return true;
        });
        assert.throws(() => parseDoctorArguments(["--warn-days", "soon"]), UsageError);
        assert.throws(() => parseDoctorArguments(["--warn-days", key]), (err: Error) => !err.message.includes(key.slice(0, 12)));
        assert.throws(() => parseBootstrapArguments(["--repository", key, "--environment", "p"], TENANT),
            (err: Error) => !err.message.includes(key.slice(0, 12)));
        assert.throws(() => parseBootstrapArguments(["--repository", "acme/site", "--environment", "p", "extra"], TENANT), UsageError);
    });

    it("parse the doctor's options and files, stdin for none or -", () => {
        assert.deepEqual(parseDoctorArguments(["--json", "--warn-days=7", "--concurrency", "2", "a.json", "-"], "/work"), {
            json: true, warnDays: 7, probeSecret: false, nocobase: false, concurrency: 2, timeoutSeconds: 30, files: ["a.json"], help: false,
            stacks: [], projectDir: "/work",
        });
        assert.equal(parseDoctorArguments(["--nocobase"]).nocobase, true);
    });

    it("parse the doctor's --stack forms, and refuse files with them, an empty name, or --project alone", () => {
        const args = parseDoctorArguments(["--stack", "prod", "--stack", "staging", "--project", "infra"], "/work");
        assert.deepEqual([args.stacks, args.projectDir, args.files], [["prod", "staging"], "/work/infra", []]);
        assert.throws(() => parseDoctorArguments(["--stack", "prod", "a.json"]), /give outputs files or --stack, not both/);
        assert.throws(() => parseDoctorArguments(["--stack", ""]), /--stack needs a stack name/);
        assert.throws(() => parseDoctorArguments(["--project", "infra"]), /--project applies only with --stack/);
    });
});
