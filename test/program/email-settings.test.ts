// `npm run email-settings` on the outputs of the real program: what Email Settings need, the secret only on
// request and only to a terminal, and a confirmation that is checked before the stack file is written and
// that the next run then protects.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runEmailSettings } from "../../src/operations/email-settings/email-settings";
import { parseEmailSettingsArguments } from "../../src/operations/email-settings/email-settings-arguments";
import { UsageError } from "../../src/operations/command-line";
import { runProgram } from "../../src/operations/plan/program-runner";
import { readStackFile } from "../../src/operations/plan/stack-file";

const NOW = new Date("2026-11-23T12:00:00Z");
const STACK_FILE = `# customer A
config:
  nocobase-entra-mail:nocobaseUrl: https://crm.example.com # where users open it
  nocobase-entra-mail:secretRotationDays: "30"
  nocobase-entra-mail:secretLifetimeDays: "90"
`;

function stackDir(content = STACK_FILE): string {
    const dir = mkdtempSync(join(tmpdir(), "email-settings-"));
    writeFileSync(join(dir, "Pulumi.dev.yaml"), content);
    return dir;
}

async function outputsOfRun(dir: string, now = NOW, previousOutputs?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const run = await runProgram({ stack: "dev", config: readStackFile("dev", dir).config, now, previousOutputs });
    return run.outputs;
}

function command(argv: string[], outputs: Record<string, unknown>, options: { terminal?: boolean; now?: Date } = {}) {
    return runEmailSettings(parseEmailSettingsArguments(argv), {
        readOutputs: () => Promise.resolve({ source: "dev.json", json: JSON.stringify(outputs) }),
        stdoutIsTerminal: options.terminal ?? false,
        now: () => options.now ?? NOW,
    });
}

describe("email-settings: what to paste", () => {
    it("prints client ID, tenant, redirect URI, the key ID and the exact confirmation line, and not the secret", async () => {
        const dir = stackDir();
        const outputs = await outputsOfRun(dir);
        const outcome = await command(["--stack", "dev", "--stacks-dir", dir], outputs);
        assert.equal(outcome.exitCode, 0);
        for (const expected of [outputs.clientId, outputs.tenantId, "https://crm.example.com/admin/settings/mail/oauth2",
            `pulumi config set --stack dev nocobase-entra-mail:pastedSecretKeyId ${String(outputs.clientSecretKeyId)}`,
            `--confirm ${String(outputs.clientSecretKeyId)}`, `before ${String(outputs.nextRotationAt)}`]) {
            assert.ok(outcome.output.includes(String(expected)), `${String(expected)} in:\n${outcome.output}`);
        }
        assert.ok(!outcome.output.includes(String(outputs.clientSecret)), "the secret is not printed without --show-secret");
    });

    it("prints the secret with --show-secret to a terminal only", async () => {
        const outputs = await outputsOfRun(stackDir());
        const piped = await command(["--stack", "dev", "--show-secret"], outputs, { terminal: false });
        assert.equal(piped.exitCode, 2);
        assert.match(piped.error ?? "", /to a terminal only, never into a file or a pipe/);
        assert.ok(!`${piped.output}${piped.error ?? ""}`.includes(String(outputs.clientSecret)));
        const shown = await command(["--stack", "dev", "--show-secret"], outputs, { terminal: true });
        assert.equal(shown.exitCode, 0);
        assert.ok(shown.output.includes(String(outputs.clientSecret)));
    });

    it("refuses another stack's outputs and a command line without a stack or with a malformed key ID", async () => {
        const outputs = await outputsOfRun(stackDir());
        const other = await command(["--stack", "prod"], outputs);
        assert.equal(other.exitCode, 2);
        assert.match(other.error ?? "", /holds the outputs of stack "dev", not of "prod"[\s\S]*Fix: pulumi stack output --json --stack prod/);
        assert.throws(() => parseEmailSettingsArguments([]), UsageError);
        const secretLike = "Q~8Zx" + "a".repeat(35);
        assert.throws(() => parseEmailSettingsArguments(["--stack", "dev", "--confirm", secretLike]),
            (err: Error) => err instanceof UsageError && /not repeated here/.test(err.message) && !err.message.includes(secretLike));
    });
});

describe("email-settings: the confirmation", () => {
    it("writes pastedSecretKeyId into the stack file, keeping its comments, and the next run keeps that secret", async () => {
        const dir = stackDir();
        const first = await outputsOfRun(dir, new Date("2026-11-04T00:00:00Z"));
        const keyId = String(first.clientSecretKeyId);
        const outcome = await command(["--stack", "dev", "--stacks-dir", dir, "--confirm", keyId.toUpperCase()], first);
        assert.equal(outcome.exitCode, 0, outcome.error);
        const written = readFileSync(join(dir, "Pulumi.dev.yaml"), "utf8");
        assert.match(written, /# customer A[\s\S]*# where users open it/);
        assert.equal(readStackFile("dev", dir).config.pastedSecretKeyId, keyId);
        const second = await outputsOfRun(dir, new Date("2026-12-04T00:00:00Z"), first);
        const pasted = second.pastedSecret as { confirmedKeyId?: string; awaitingKeyId?: string };
        assert.equal(pasted.confirmedKeyId, keyId);
        assert.notEqual(pasted.awaitingKeyId, undefined, "the rotation offers a new secret");
        assert.ok((second.secretRotation as { slots: Record<string, { keyId: string } | null> }).slots.a?.keyId === keyId);
    });

    it("refuses, writing nothing, a key ID that is not the stack's, one that has expired, and any on a variables stack", async () => {
        const dir = stackDir();
        const outputs = await outputsOfRun(dir);
        const keyId = String(outputs.clientSecretKeyId);
        const unknown = await command(["--stack", "dev", "--stacks-dir", dir, "--confirm", "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd"], outputs);
        assert.equal(unknown.exitCode, 2);
        assert.match(unknown.error ?? "", /is not one of stack dev's client secrets[\s\S]*nothing was written\. Fix: npm run email-settings -- --stack dev --show-secret/);
        const expired = await command(["--stack", "dev", "--stacks-dir", dir, "--confirm", keyId], outputs, { now: new Date("2028-01-01T00:00:00Z") });
        assert.equal(expired.exitCode, 2);
        assert.match(expired.error ?? "", /expired on 2027-02-01T00:00:00Z/);
        assert.equal(readFileSync(join(dir, "Pulumi.dev.yaml"), "utf8"), STACK_FILE, "nothing was written");
        const variablesDir = stackDir(`${STACK_FILE}  nocobase-entra-mail:emailSettings: variables\n`);
        const variables = await command(["--stack", "dev", "--stacks-dir", variablesDir, "--confirm", keyId], outputs);
        assert.equal(variables.exitCode, 2);
        assert.match(variables.error ?? "", /Fix: pulumi config set --stack dev nocobase-entra-mail:emailSettings pasted/);
    });
});
