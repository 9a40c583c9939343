// The offline plan command, run as users run it, against the example stacks and a broken one.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..");

function plan(...args: string[]) {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", ...args], {
        cwd: ROOT, encoding: "utf8", timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("offline plan", () => {
    it("prints the dev stack's registration, permissions and secret schedule", () => {
        const { code, stdout, stderr } = plan("--stack", "dev", "--at", "2026-11-23T12:00:00Z");
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^OFFLINE PLAN for stack "dev"/);
        assert.match(stdout, /https:\/\/dev\.crm\.example\.com\/nocobase\/admin\/settings\/mail\/oauth2/);
        assert.match(stdout, /https:\/\/nocobase-dev\.internal\.example\.com\/nocobase\/admin\/settings\/mail\/oauth2/);
        assert.match(stdout, /AzureADandPersonalMicrosoftAccount, access tokens v2/);
        for (const scope of ["email", "offline_access", "IMAP.AccessAsUser.All", "SMTP.Send", "User.Read"]) {
            assert.match(stdout, new RegExp(`${scope.replace(".", "\\.")}\\s+[0-9a-f-]{36}  Scope`));
        }
        assert.match(stdout, /the newest, slot a, is offered for pasting/);
        assert.match(stdout, /slot a\s+\("nocobase-mail-client-secret-a"\) newest secret, made this run/);
        assert.match(stdout, /made for\s+window starting 2026-11-03T00:00:00Z, generation 1/);
        assert.match(stdout, /expires\s+2027-02-01T00:00:00Z/);
        assert.match(stdout, /slot b\s+empty until the first rotation/);
        assert.match(stdout, /next rotation\s+first `pulumi up` at or after 2026-12-03T00:00:00Z: replaces slot b, and offers its secret for pasting/);
        assert.match(stdout, /Email Settings\s+pasted: an administrator pastes client ID and secret \(npm run email-settings -- --stack dev\)/);
        assert.match(stdout, /confirmed pasted\s+none yet \(pastedSecretKeyId unset\): no run protects the secret in Email Settings/);
        assert.match(stdout, /awaiting pasting\s+slot a, made for the window starting 2026-11-03T00:00:00Z; paste and confirm it before 2026-12-03T00:00:00Z/);
        assert.match(stdout, /overlap\s+slot a stays valid 60 days after 2026-12-03T00:00:00Z/);
        assert.match(stdout, /clientSecret is a secret/);
        assert.match(stdout, /NocoBase hand-over\s+not configured \(nocobaseApiToken unset\)/);
        assert.ok(!stdout.includes("mock-client-secret"), "the plan never prints the secret value");
    });

    it("prints the prod stack's sub-application callback and admin consent", () => {
        const { code, stdout, stderr } = plan("--stack", "prod", "--at", "2026-11-23T12:00:00Z");
        assert.equal(code, 0, stderr);
        assert.match(stdout, /https:\/\/crm\.example\.com\/apps\/sales\/admin\/settings\/mail\/oauth2/);
        assert.match(stdout, /Admin consent\s+tenant-wide grant .* of: email offline_access IMAP\.AccessAsUser\.All SMTP\.Send User\.Read/);
        assert.match(stdout, /owners\s+the deploying identity, 5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f/);
    });

    it("refuses a broken stack with every problem and its fix, exit 1", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), [
            "config:",
            "  nocobase-entra-mail:nocobaseUrl: http://crm.example.com/?x=1",
            "  nocobase-entra-mail:secretLifetimeDays: 30",
            "  nocobase-entra-mail:nocobaseApiToken:",
            "    secure: v1:AAAABBBBCCCC",
        ].join("\n"));
        const { code, stdout, stderr } = plan("--stack", "broken", "--stacks-dir", dir);
        assert.equal(code, 1);
        assert.equal(stdout, "");
        assert.match(stderr, /configuration error/);
        assert.match(stderr, /nocobase-entra-mail:nocobaseUrl "http:\/\/crm\.example\.com\/\?x=\[redacted\]" uses http/);
        assert.match(stderr, /nocobase-entra-mail:secretLifetimeDays is 30, below 2 x secretRotationDays \(60\) \+ 7 days of slack = 127/);
        assert.match(stderr, /Fix: pulumi config set --stack broken nocobase-entra-mail:secretLifetimeDays 127/);
        assert.ok(!stderr.includes("v1:AAAABBBBCCCC"));
        assert.ok(!/\n\s+at /.test(stderr), "no stack trace");
    });

    it("plans the upgrade of a stack deployed with the single secret from its outputs", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "single-secret-layout.json"), "utf8")) as { outputs: object };
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, JSON.stringify(fixture.outputs));
        const { code, stdout, stderr } = plan("--stack", "dev", "--at", "2026-11-24T12:00:00Z", "--outputs", file);
        assert.equal(code, 0, stderr);
        assert.match(stdout, /NocoBase is to hold slot b/);
        assert.match(stdout, /slot a\s+\("nocobase-mail-client-secret-a"\) fallback \(the secret NocoBase held before\), kept as it is/);
        assert.match(stdout, /made for\s+the single-secret layout/);
        assert.match(stdout, /key ID\s+999bb40c-9b34-4ccf-86b3-96d8af0cf3d3/);
        assert.match(stdout, /slot b\s+\("nocobase-mail-client-secret-b"\) NocoBase's secret, made this run/);
        assert.match(stdout, /based on\s+the earlier outputs given with --outputs/);
        // An existing stack that has not chosen what Email Settings read keeps variables and is told how to choose.
        assert.match(stdout, /Email Settings\s+variables: they are taken to read \{\{\$env\.MICROSOFT_EMAIL_CLIENT_ID\}\}/);
        assert.match(stdout, /not chosen\s+emailSettings is not set[\s\S]*"Not adapted"[\s\S]*pulumi config set --stack dev nocobase-entra-mail:emailSettings pasted\n/);
    });

    it("plans a pasted stack whose administrator has not pasted the newest secret: that slot is made anew, the confirmed one kept", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const A = "aaaaaaaa-0000-4000-8000-000000000001";
        fs.writeFileSync(path.join(dir, "Pulumi.shop.yaml"), ["config:", "  nocobase-entra-mail:nocobaseUrl: https://shop.example.com",
            "  nocobase-entra-mail:secretRotationDays: 30", "  nocobase-entra-mail:secretLifetimeDays: 90",
            `  nocobase-entra-mail:pastedSecretKeyId: ${A}`].join("\n"));
        const slot = (keyId: string, windowStart: string, expiresAt: string) => ({ kind: "window", windowStart, generation: 1, expiresAt, keyId });
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, JSON.stringify({ environment: "shop", secretRotation: { nocobaseSlot: "b", slots: {
            a: slot(A, "2026-11-03T00:00:00Z", "2027-02-01T00:00:00Z"),
            b: slot("bbbbbbbb-0000-4000-8000-000000000002", "2026-12-03T00:00:00Z", "2027-03-03T00:00:00Z"),
        } } }));
        const { code, stdout, stderr } = plan("--stack", "shop", "--stacks-dir", dir, "--at", "2027-01-02T12:00:00Z", "--outputs", file);
        assert.equal(code, 0, stderr);
        assert.match(stdout, /slot a\s+\("nocobase-mail-client-secret-a"\) confirmed pasted in Email Settings, never made anew, kept as it is/);
        assert.match(stdout, /slot b\s+\("nocobase-mail-client-secret-b"\) newest secret, made this run \(any earlier secret in this slot deleted first\)/);
        assert.match(stdout, /next rotation\s+first `pulumi up` at or after 2027-02-01T00:00:00Z: replaces slot b, offering its secret again/);
        assert.match(stdout, new RegExp(`confirmed pasted\\s+${A} \\(slot a, expires 2027-02-01T00:00:00Z\\)`));
        assert.match(stdout, /awaiting pasting\s+slot b, made for the window starting 2027-01-02T00:00:00Z; paste and confirm it before 2027-02-01T00:00:00Z/);
        assert.doesNotMatch(stdout, /not chosen/);
    });

    it("refuses the outputs of another stack, naming both stacks and the command for the right file, exit 2", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "single-secret-layout.json"), "utf8")) as { outputs: object };
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, JSON.stringify({ ...fixture.outputs, environment: "prod" }));
        const refused = plan("--stack", "dev", "--outputs", file);
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(refused.stderr, /holds the outputs of stack "prod" \(its environment output\), not of "dev"/);
        assert.match(refused.stderr, /Fix: pulumi stack output --json --stack dev > /);
        assert.equal(refused.stdout, "", "nothing was planned");
        // Outputs that do not name their stack (a program that does not export environment) are taken as they are.
        const { environment: _named, ...unnamed } = fixture.outputs as Record<string, unknown>;
        fs.writeFileSync(file, JSON.stringify(unnamed));
        const accepted = plan("--stack", "dev", "--at", "2026-11-24T12:00:00Z", "--outputs", file);
        assert.equal(accepted.code, 0, accepted.stderr);
        assert.match(accepted.stdout, /based on\s+the earlier outputs given with --outputs/);
    });

    it("refuses an outputs file that is not JSON without printing it, exit 2", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, "clientSecret: plan-test-secret-that-must-not-leak");
        const { code, stdout, stderr } = plan("--stack", "dev", "--outputs", file);
        assert.equal(code, 2);
        assert.match(stderr, /is not a JSON object of stack outputs/);
        assert.ok(!`${stdout}${stderr}`.includes("plan-test-secret-that-must-not-leak"));
    });

    it("prints its usage with --help, exit 0, and refuses an unknown option with it, exit 2", () => {
        const help = plan("--help");
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /^Usage: npm run plan -- --stack <name>/);
        const unknown = plan("--stak", "dev");
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /Unknown option '--stak'[\s\S]*Usage: npm run plan/);
    });

    it("names the known stacks when the stack file is missing, exit 2", () => {
        const { code, stderr } = plan("--stack", "nope");
        assert.equal(code, 2);
        assert.match(stderr, /No stack file for "nope".*Known stacks: dev, prod/);
    });
});
