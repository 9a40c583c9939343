// The tool's one dispatcher: the registry, the usage renderer and the error-to-exit-code mapping.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MicrosoftServiceError } from "../../src/microsoft/service-error";
import { COMMANDS } from "../../src/operations/command-registry";
import { defineCommand, UnusableInputError, UsageError, type CommandIo, type ToolCommand } from "../../src/operations/command-line";
import { renderToolUsage, runTool } from "../../src/operations/tool-runner";

function capture(): CommandIo & { out: string; err: string } {
    const io = { out: "", err: "", env: {}, stdout(text: string) { io.out += text; }, stderr(text: string) { io.err += text; } };
    return io;
}

/** A command whose run throws `failure`, registered the way a new command folder registers. */
function failing(failure: Error): ToolCommand {
    return defineCommand({
        name: "probe",
        summary: "a test command",
        synopsis: "[--loud]",
        description: "Throws what the test gives it.\n\n  --loud  ignored\n  -h, --help  this help\n",
        exits: { ok: "done", failed: "failed" },
        parse: (argv) => ({ help: argv.includes("--help") }),
        run: () => Promise.reject(failure),
    });
}

describe("nocobase-entra-mail", () => {
    it("lists every registered command once in its help, exit 0", async () => {
        const io = capture();
        assert.equal(await runTool(["--help"], io), 0);
        for (const command of COMMANDS) {
            assert.match(io.out, new RegExp(`\\n  ${command.name} +${command.summary.replace(/[()]/g, "\\$&")}\\n`));
        }
        assert.equal(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length, "command names are unique");
    });

    it("refuses no command and an unknown command with its usage, exit 2", async () => {
        const none = capture();
        assert.equal(await runTool([], none), 2);
        assert.equal(none.err, renderToolUsage());
        const unknown = capture();
        assert.equal(await runTool(["doktor"], unknown), 2);
        assert.match(unknown.err, /unknown command "doktor"[\s\S]*Commands:/);
    });

    it("renders a command's usage from its definition, for --help and for help <command>", async () => {
        const own = capture();
        assert.equal(await runTool(["probe", "--help"], own, [failing(new Error("unused"))]), 0);
        assert.equal(own.out, "Usage: nocobase-entra-mail probe [--loud]\n\nThrows what the test gives it.\n\n  --loud  ignored\n" +
            "  -h, --help  this help\n\nExit codes: 0 done, 1 failed, 2 the command line or its input is unusable.\n");
        const viaHelp = capture();
        assert.equal(await runTool(["help", "probe"], viaHelp, [failing(new Error("unused"))]), 0);
        assert.equal(viaHelp.out, own.out);
    });

    it("maps a usage error to 2 with the usage, unusable input to 2 without it", async () => {
        const usage = capture();
        assert.equal(await runTool(["probe"], usage, [failing(new UsageError("--loud needs quiet"))]), 2);
        assert.match(usage.err, /^probe: --loud needs quiet\n\nUsage: nocobase-entra-mail probe/);
        const input = capture();
        assert.equal(await runTool(["probe"], input, [failing(new UnusableInputError("outputs.json: clientSecret is hidden"))]), 2);
        assert.equal(input.err, "probe: outputs.json: clientSecret is hidden\n");
    });

    it("maps a sign-in failure to 1 and prints its fix whole, however long", async () => {
        const signIn = new MicrosoftServiceError({
            service: "Microsoft identity platform", operation: "sign in to tenant 6a1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f for Microsoft Graph",
            status: 400, code: "invalid_client", detail: "AADSTS7000215: Invalid client secret provided.",
            fix: "the identity's client secret is wrong or expired: create a new one in the Entra admin center and set AZURE_CLIENT_SECRET, or sign in with az login",
        });
        assert.ok(signIn.message.length > 200, "longer than a quotation may be");
        const io = capture();
        assert.equal(await runTool(["probe"], io, [failing(signIn)]), 1);
        assert.equal(io.err, `probe: ${signIn.message}\n`);
    });

    it("maps any other failure to 1, its message redacted", async () => {
        const key = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoicm9vdCJ9.c2lnbmF0dXJlLXZhbHVlLXBhcnQ";
        const io = capture();
        assert.equal(await runTool(["probe"], io, [failing(new Error(`socket hang up sending ${key}`))]), 1);
        assert.match(io.err, /^probe: unexpected failure: socket hang up/);
        assert.ok(!io.err.includes(key.slice(0, 12)), io.err);
    });
});
