/**
 * The live check against the emulator: a healthy environment, then each finding produced by changing the
 * emulator's state, retries, bounded concurrency, and the CLI's exit codes and output without secrets.
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkEnvironments, type DoctorOptions, type DoctorServices } from "../../src/operations/doctor/check-environments";
import type { EnvironmentReport } from "../../src/operations/doctor/findings";
import { probeSecret } from "../../src/operations/doctor/secret-probe";
import { renderTable } from "../../src/operations/doctor/report-rendering";
import { rfc3339 } from "../../src/registration/secret-rotation";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";
import { runScript } from "./emulator/child-process";
import { signInTo } from "../../src/microsoft/credentials";
import { emulatorCredential, emulatorEndpoints, emulatorGraphClient } from "./emulator/clients";
import type { SeedEnvironmentOptions, SeededStackOutputs } from "./emulator/directory";
import { startEmulator, type Emulator } from "./emulator/emulator";

/** A local port nobody listens on. */
async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

const OPTIONS: DoctorOptions = { warnDays: 30, probeSecret: true, concurrency: 4 };

describe("doctor", () => {
    let emulator: Emulator;
    let caller: { clientId: string; clientSecret: string };
    let dir: string;

    before(async () => {
        emulator = await startEmulator();
        caller = emulator.directory.seedCaller("doctor");
        dir = await mkdtemp(join(tmpdir(), "doctor-test-"));
    });
    after(() => emulator.close());

    function services(overrides: Partial<DoctorServices> = {}, sleepMs = 10): DoctorServices {
        return {
            signIn: (tenantId) => signInTo(emulatorCredential(emulator, caller), emulatorEndpoints(emulator), tenantId, 5000),
            graphFor: (tenantId) => emulatorGraphClient(emulator, caller,
                { tenantId, sleep: () => new Promise((resolve) => setTimeout(resolve, sleepMs)) }),
            probe: (expected) => probeSecret(expected, emulatorEndpoints(emulator), 5000),
            now: () => new Date(),
            ...overrides,
        };
    }

    async function check(outputs: SeededStackOutputs[], options: Partial<DoctorOptions> = {}, svc = services()): Promise<EnvironmentReport[]> {
        return checkEnvironments(outputs.map((o) => ({ source: `${o.environment}.json`, json: JSON.stringify(o) })), { ...OPTIONS, ...options }, svc);
    }

    async function codesAfter(seed: Partial<SeedEnvironmentOptions>, change: (env: SeededStackOutputs) => void,
        options: Partial<DoctorOptions> = {}): Promise<string[]> {
        const env = emulator.directory.seedEnvironment({ environment: `env-${Math.random().toString(36).slice(2, 8)}`, ...seed });
        change(env);
        const [report] = await check([env], options);
        assert.notEqual(report.outcome, "unchecked", report.error);
        return report.findings.map((f) => f.code).sort();
    }

    const app = (env: SeededStackOutputs) => emulator.directory.application(env.applicationObjectId);

    it("reports a healthy environment (with admin consent and secret probe) as healthy", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "healthy", adminConsent: true });
        const [report] = await check([env]);
        assert.equal(report.outcome, "healthy");
        assert.deepEqual(report.findings, []);
    });

    it("reports a configured owner (the CI deployer) that no longer owns the application", async () => {
        const person = emulator.directory.newUser("Pat Person");
        const deployerId = emulator.directory.seedCaller("ci deployer of owned").servicePrincipalId;
        const codes = await codesAfter({}, (env) => {
            Object.assign(env, { owners: [person.id, deployerId] });
            emulator.directory.owners.set(env.applicationObjectId, [person.id]);
        });
        assert.deepEqual(codes, ["owner-missing"]);
        const env = emulator.directory.seedEnvironment({ environment: "owned" });
        Object.assign(env, { owners: [person.id, deployerId] });
        emulator.directory.owners.set(env.applicationObjectId, [person.id, deployerId]);
        const [healthy] = await check([env]);
        assert.deepEqual(healthy.findings, []);
        emulator.directory.owners.set(env.applicationObjectId, []);
        const [report] = await check([env]);
        const fix = report.findings.find((f) => f.code === "owner-missing")?.fix ?? "";
        assert.match(fix, new RegExp(`az ad app owner add --id ${env.clientId} --owner-object-id ${person.id}; az ad app owner add`));
    });

    it("expects the permissions a stack keeps for an adopted registration", async () => {
        const kept = `${MICROSOFT_GRAPH_APP_ID}/Scope/570282fd-fa5c-430d-a7fd-fc8dc98a9dca`;
        const addMailRead = (env: SeededStackOutputs) => {
            app(env).requiredResourceAccess[0].resourceAccess.push({ id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", type: "Scope" });
        };
        assert.deepEqual(await codesAfter({}, addMailRead), ["delegated-permission-extra"]);
        assert.deepEqual(await codesAfter({}, (env) => { addMailRead(env); Object.assign(env, { additionalPermissions: [kept] }); }), []);
    });

    it("reports a deleted registration", async () => {
        assert.deepEqual(await codesAfter({}, (env) => emulator.directory.applications.delete(env.applicationObjectId)), ["registration-missing"]);
    });

    it("reports a removed redirect URI and an added one", async () => {
        assert.deepEqual(await codesAfter({ redirectUris: ["https://a.example/admin/settings/mail/oauth2", "https://b.example/admin/settings/mail/oauth2"] },
            (env) => { app(env).web.redirectUris = ["https://a.example/admin/settings/mail/oauth2", "https://c.example/x"]; }),
        ["redirect-uri-missing", "redirect-uri-unexpected"]);
    });

    it("names extra permissions where Microsoft's name is known", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "extra-names" });
        app(env).requiredResourceAccess[0].resourceAccess.push({ id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", type: "Scope" },
            { id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", type: "Role" }, { id: "11111111-2222-4333-8444-555555555555", type: "Scope" });
        const [report] = await check([env], { probeSecret: false });
        const extra = report.findings.find((f) => f.code === "delegated-permission-extra");
        assert.equal(extra?.message, "Permissions requested beyond what NocoBase's Email Manager needs: Mail.Read (delegated) of Microsoft Graph; " +
            "Application.Read.All (application) of Microsoft Graph; delegated 11111111-2222-4333-8444-555555555555 of Microsoft Graph.");
    });

    it("reports a missing and an extra delegated permission", async () => {
        const smtp = MAIL_DELEGATED_SCOPES.find((s) => s.name === "SMTP.Send")?.id;
        assert.deepEqual(await codesAfter({}, (env) => {
            const graph = app(env).requiredResourceAccess[0];
            graph.resourceAccess = graph.resourceAccess.filter((a) => a.id !== smtp);
            graph.resourceAccess.push({ id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", type: "Scope" });
        }), ["delegated-permission-extra", "delegated-permission-missing"]);
    });

    it("reports a changed audience and a wrong access token version", async () => {
        assert.deepEqual(await codesAfter({}, (env) => { app(env).signInAudience = "AzureADMyOrg"; }), ["sign-in-audience-mismatch"]);
        assert.deepEqual(await codesAfter({}, (env) => { app(env).api.requestedAccessTokenVersion = null; }), ["access-token-version"]);
    });

    it("reports the stack's secret missing, expired, and expiring within --warn-days", async () => {
        assert.deepEqual(await codesAfter({}, (env) => { app(env).passwordCredentials = []; }, { probeSecret: false }), ["secret-missing"]);
        assert.deepEqual(await codesAfter({}, (env) => {
            app(env).passwordCredentials[0].endDateTime = new Date(Date.now() - 60_000).toISOString();
        }), ["secret-expired"]);
        assert.deepEqual(await codesAfter({ secretValidDays: 10 }, () => undefined), ["secret-expiring"]);
        assert.deepEqual(await codesAfter({ secretValidDays: 10 }, () => undefined, { warnDays: 5 }), []);
    });

    it("reports unmanaged secrets, and a blocked rotation only where the 2-secret limit applies", async () => {
        const addForeign = (env: SeededStackOutputs) => {
            emulator.directory.addPassword(app(env), "added by hand", new Date(Date.now() + 90 * 86400_000), Date.now());
        };
        assert.deepEqual(await codesAfter({}, addForeign), ["rotation-blocked", "unmanaged-secrets"]);
        assert.deepEqual(await codesAfter({ signInAudience: "AzureADMyOrg" }, addForeign), ["unmanaged-secrets"]);
    });

    it("counts both secret slots as the stack's, and blocks a rotation only when it needs room for a third secret", async () => {
        const record = (env: SeededStackOutputs, fallback: string | null) => {
            const slot = (keyId: string) => ({ kind: "window", windowStart: "2026-09-03T00:00:00Z", generation: 1, expiresAt: "2027-03-02T00:00:00Z", keyId });
            (env as unknown as Record<string, unknown>).secretRotation = {
                nocobaseSlot: "b", slots: { a: fallback === null ? null : slot(fallback), b: slot(env.clientSecretKeyId) },
            };
        };
        const addFallback = (env: SeededStackOutputs) => {
            const { credential } = emulator.directory.addPassword(app(env), "nocobase-mail slot a", new Date(Date.now() + 90 * 86400_000), Date.now());
            record(env, credential.keyId);
        };
        // Personal-account audience, at its limit of 2 with the stack's own two slots: the next rotation
        // deletes the fallback first, so nothing is blocked and nothing is foreign.
        assert.deepEqual(await codesAfter({}, addFallback), []);
        // The fallback slot empty and a hand-made secret taking the room: the rotation would add a third.
        assert.deepEqual(await codesAfter({}, (env) => {
            record(env, null);
            emulator.directory.addPassword(app(env), "added by hand", new Date(Date.now() + 90 * 86400_000), Date.now());
        }), ["rotation-blocked", "unmanaged-secrets"]);
    });

    it("reports a rotation that was due and did not happen, from the outputs alone, as an error once past the slack", async () => {
        const day = 86400_000;
        const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
        /** Outputs of a run in a window that began `60 + lateDays` days ago (defaults: period 60, lifetime 180, slack 60). */
        const lastRunBefore = (lateDays: number) => (env: SeededStackOutputs) => {
            const windowStart = Date.now() - (60 + lateDays) * day;
            const expiresAt = rfc3339(windowStart + 180 * day);
            app(env).passwordCredentials[0].endDateTime = new Date(windowStart + 180 * day).toISOString();
            Object.assign(env, {
                nextRotationAt: rfc3339(windowStart + 60 * day),
                clientSecretExpiresAt: expiresAt,
                secretRotation: { nocobaseSlot: "a", slots: { a: { kind: "window", windowStart: rfc3339(windowStart), generation: 1, expiresAt, keyId: env.clientSecretKeyId }, b: null } },
            });
        };
        const reportAfter = async (change: (env: SeededStackOutputs) => void) => {
            const env = emulator.directory.seedEnvironment({ environment: `late-${Math.random().toString(36).slice(2, 8)}` });
            change(env);
            emulator.resetStats();
            const [report] = await check([env], { probeSecret: false });
            return { report, graphCalls: emulator.log.filter((l) => l.kind === "graph").length };
        };
        const onTime = await reportAfter(lastRunBefore(-5));
        assert.deepEqual(onTime.report.findings, [], "not due yet");
        assert.deepEqual((await reportAfter(lastRunBefore(0.5))).report.findings, [], "within a day of nextRotationAt: the daily run may still come");

        const late = await reportAfter(lastRunBefore(10));
        assert.deepEqual(late.report.findings.map((f) => [f.code, f.severity]), [["rotation-missed", "warning"]]);
        const [missed] = late.report.findings;
        assert.match(missed.message, /^The stack's rotation was due at \S+ \(nextRotationAt\), 10 days ago, and no pulumi up has run since: the client secret rotates only inside pulumi up\./);
        assert.equal(missed.fix, `Run pulumi up --stack ${late.report.environment} now, and run it on a schedule at least every 60 days ` +
            "(examples/github-actions/deploy.yml runs it daily).");
        assert.equal(late.graphCalls, onTime.graphCalls, "judged from the outputs, without another Graph call");

        const beyond = await reportAfter(lastRunBefore(100));
        assert.deepEqual(beyond.report.findings.map((f) => [f.code, f.severity]), [["secret-expiring", "warning"], ["rotation-missed", "error"]]);
        assert.match(beyond.report.findings[1].message, /beyond the schedule's slack of 60 days, so the secret NocoBase leaves at the rotation stays valid less than a rotation period \(60 days\)/);
    });

    describe("pasted Email Settings", () => {
        const DAY = 86400_000;
        /** Slot a holds the secret Email Settings hold (confirmed); slot b, the stack's newest, awaits pasting unless `confirmNewest`. */
        const pasted = (env: SeededStackOutputs, options: { pasteInDays: number; confirmNewest?: boolean; confirmedValidDays?: number }) => {
            const { credential } = emulator.directory.addPassword(app(env), "nocobase-mail slot a", new Date(Date.now() + (options.confirmedValidDays ?? 90) * DAY), Date.now() - 60 * DAY);
            const slot = (keyId: string, expiresAt: string) => ({ kind: "window", windowStart: "2026-09-03T00:00:00Z", generation: 1, expiresAt: rfc3339(new Date(expiresAt)), keyId });
            const outputs = env as unknown as Record<string, unknown>;
            outputs.secretRotation = { nocobaseSlot: "b", slots: { a: slot(credential.keyId, credential.endDateTime), b: slot(env.clientSecretKeyId, env.clientSecretExpiresAt) } };
            outputs.emailSettings = "pasted";
            outputs.pastedSecret = options.confirmNewest === true
                ? { confirmedKeyId: env.clientSecretKeyId, confirmedSlot: "b", confirmedExpiresAt: env.clientSecretExpiresAt }
                : {
                    confirmedKeyId: credential.keyId, confirmedSlot: "a", confirmedExpiresAt: credential.endDateTime, awaitingSlot: "b",
                    awaitingKeyId: env.clientSecretKeyId, awaitingSince: "2026-11-02T00:00:00Z", pasteBy: new Date(Date.now() + options.pasteInDays * DAY).toISOString(),
                };
            return credential;
        };

        it("reports the confirmed secret, its expiry at Microsoft, and a newer one awaiting pasting, healthy before --warn-days", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "pasted-healthy" });
            const held = pasted(env, { pasteInDays: 50 });
            const [report] = await check([env], { probeSecret: false });
            assert.equal(report.outcome, "healthy", JSON.stringify(report.findings));
            assert.deepEqual(report.pastedSecret, {
                confirmedKeyId: held.keyId, confirmedExpiresAt: held.endDateTime, awaitingKeyId: env.clientSecretKeyId,
                awaitingSince: "2026-11-02T00:00:00Z", pasteBy: (env as unknown as { pastedSecret: { pasteBy: string } }).pastedSecret.pasteBy,
            });
            const table = renderTable([report], 400);
            assert.ok(table.includes(`Email Settings (pasted): hold ${held.keyId}, expires ${held.endDateTime}; ${env.clientSecretKeyId} awaits pasting since 2026-11-02T00:00:00Z`), table);
        });

        it("reports a paste due within --warn-days as a finding, and none when Email Settings hold the newest", async () => {
            assert.deepEqual(await codesAfter({}, (env) => { pasted(env, { pasteInDays: 10 }); }, { probeSecret: false }), ["paste-due"]);
            assert.deepEqual(await codesAfter({}, (env) => { pasted(env, { pasteInDays: 10 }); }, { probeSecret: false, warnDays: 5 }), []);
            assert.deepEqual(await codesAfter({}, (env) => { pasted(env, { pasteInDays: 1, confirmNewest: true }); }, { probeSecret: false }), []);
        });

        it("reports an error when the confirmed secret is gone or has expired", async () => {
            assert.deepEqual(await codesAfter({}, (env) => {
                const held = pasted(env, { pasteInDays: 50 });
                app(env).passwordCredentials = app(env).passwordCredentials.filter((p) => p.keyId !== held.keyId);
            }, { probeSecret: false }), ["pasted-secret-missing"]);
            assert.deepEqual(await codesAfter({}, (env) => {
                const held = pasted(env, { pasteInDays: 50 });
                held.endDateTime = new Date(Date.now() - 60_000).toISOString();
            }, { probeSecret: false }), ["pasted-secret-expired"]);
        });

        it("reports a rotation that waits for the paste as paste-due, not as a missed run", async () => {
            const codes = await codesAfter({}, (env) => {
                pasted(env, { pasteInDays: 80 });
                const outputs = env as unknown as { nextRotationAt: string; pastedSecret: Record<string, unknown> };
                outputs.nextRotationAt = new Date(Date.now() - 20 * DAY).toISOString();
                outputs.pastedSecret.rotationWaitsForPaste = true;
            }, { probeSecret: false });
            assert.deepEqual(codes, ["paste-due"]);
            // The same passed rotation without the wait is a missed run.
            assert.ok((await codesAfter({}, (env) => {
                pasted(env, { pasteInDays: 80 });
                (env as unknown as { nextRotationAt: string }).nextRotationAt = new Date(Date.now() - 20 * DAY).toISOString();
            }, { probeSecret: false })).includes("rotation-missed"));
        });

        it("says nothing about Email Settings for a stack whose Email Settings read variables", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "variables" });
            (env as unknown as Record<string, unknown>).emailSettings = "variables";
            const [report] = await check([env], { probeSecret: false });
            assert.equal(report.pastedSecret, undefined);
            assert.equal(report.outcome, "healthy");
        });
    });

    it("reports a missing service principal", async () => {
        assert.deepEqual(await codesAfter({}, (env) => emulator.directory.servicePrincipals.delete(env.servicePrincipalObjectId)), ["service-principal-missing"]);
    });

    it("reports admin consent missing or incomplete when the stack expects it", async () => {
        const grants = emulator.directory.oauth2PermissionGrants;
        assert.deepEqual(await codesAfter({ adminConsent: true }, (env) => {
            grants.splice(grants.findIndex((g) => g.clientId === env.servicePrincipalObjectId), 1);
        }), ["admin-consent-missing"]);
        assert.deepEqual(await codesAfter({ adminConsent: true }, (env) => {
            const grant = grants.find((g) => g.clientId === env.servicePrincipalObjectId);
            if (grant) grant.scope = "email offline_access";
        }), ["admin-consent-missing"]);
        assert.deepEqual(await codesAfter({ adminConsent: false }, () => undefined), []);
    });

    it("maps the token endpoint's AADSTS7000215 and AADSTS700016 to findings with --probe-secret", async () => {
        assert.deepEqual(await codesAfter({}, (env) => emulator.directory.secretValues.set(env.clientSecretKeyId, "rotated-elsewhere")), ["secret-rejected"]);
        assert.deepEqual(await codesAfter({}, (env) => { env.clientId = "0b1c2d3e-0000-4000-8000-000000000000"; }), ["application-unknown", "client-id-mismatch"]);
    });

    it("waits out replication delay (404) instead of reporting a fresh registration missing", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "fresh" });
        emulator.graph.replicationDelayMs = 250;
        emulator.directory.createdAt.set(env.applicationObjectId, Date.now());
        emulator.resetStats();
        try {
            const [report] = await check([env], {}, services({}, 100));
            assert.equal(report.outcome, "healthy");
            const reads = emulator.log.filter((l) => l.path.endsWith(env.applicationObjectId));
            assert.ok(reads.length >= 2 && reads[0].status === 404 && reads.at(-1)?.status === 200);
        } finally {
            emulator.graph.replicationDelayMs = 0;
        }
    });

    it("retries throttled calls (429 with Retry-After)", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "throttled" });
        emulator.resetStats();
        emulator.throttleNext(2, 1, "/applications");
        const [report] = await check([env]);
        assert.equal(report.outcome, "healthy");
        assert.equal(emulator.log.filter((l) => l.status === 429).length, 2);
    });

    it("checks many environments with bounded concurrency and a bounded number of Graph calls each", async () => {
        const envs = Array.from({ length: 8 }, (_, i) => emulator.directory.seedEnvironment({ environment: `many-${i}`, adminConsent: true }));
        emulator.latencyMs = 40;
        emulator.resetStats();
        try {
            const reports = await check(envs, { concurrency: 3, probeSecret: false });
            assert.deepEqual(reports.map((r) => r.outcome), envs.map(() => "healthy"));
            assert.deepEqual(reports.map((r) => r.environment), envs.map((e) => e.environment));
            assert.ok(emulator.maxConcurrentGraphCalls >= 2, "environments ran in parallel");
            assert.ok(emulator.maxConcurrentGraphCalls <= 3, `at most 3 in flight, saw ${emulator.maxConcurrentGraphCalls}`);
            const graphCalls = emulator.log.filter((l) => l.kind === "graph").length;
            assert.ok(graphCalls <= envs.length * 4, `${graphCalls} Graph calls for ${envs.length} environments`);
        } finally {
            emulator.latencyMs = 0;
        }
    });

    it("marks an environment unchecked when the caller cannot get a token", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "no-token" });
        const [report] = await check([env], {}, {
            ...services(),
            graphFor: (tenantId) => emulatorGraphClient(emulator, { clientId: caller.clientId, clientSecret: "wrong" }, { tenantId }),
        });
        assert.equal(report.outcome, "unchecked");
        assert.match(report.error ?? "", /^Microsoft identity platform: get a Microsoft Graph token to read application .* \(HTTP 401, AADSTS7000215\)/);
        assert.match(report.error ?? "", /Fix: /);
    });

    describe("command line", () => {
        async function outputsFile(env: SeededStackOutputs): Promise<string> {
            const file = join(dir, `${env.environment}.json`);
            await writeFile(file, JSON.stringify(env));
            return file;
        }

        /** No 8-character piece of `secret` in the output: a parser or a cut may have copied part of it. */
        function assertNoPieceOf(run: { stdout: string; stderr: string }, secret: string): void {
            for (let i = 0; i + 8 <= secret.length; i++) {
                const piece = secret.slice(i, i + 8);
                assert.ok(!run.stdout.includes(piece) && !run.stderr.includes(piece), `a piece of a secret was printed: ${piece}`);
            }
        }

        function assertNoSecret(run: { stdout: string; stderr: string }, envs: SeededStackOutputs[]): void {
            for (const secret of [...envs.map((e) => e.clientSecret), caller.clientSecret]) {
                assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "a secret was printed");
            }
            assert.ok(!/emu\.[A-Za-z0-9_-]{20}/.test(run.stdout + run.stderr), "a token was printed");
        }

        it("exits 0 for healthy environments and prints a table", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "cli-ok" });
            const run = await runScript("doctor", ["--probe-secret", await outputsFile(env)], emulator.environmentFor(caller));
            assert.equal(run.code, 0, run.stderr);
            assert.match(run.stdout, /^cli-ok\s+OK\s+client/m);
            assert.match(run.stdout, /1 environment: 1 healthy, 0 with findings, 0 could not be checked \(exit 0\)/);
            assertNoSecret(run, [env]);
        });

        it("exits 1 with findings and prints them as JSON with --json, without any secret", async () => {
            const ok = emulator.directory.seedEnvironment({ environment: "cli-json-ok" });
            const bad = emulator.directory.seedEnvironment({ environment: "cli-json-bad" });
            app(bad).web.redirectUris = [];
            emulator.directory.secretValues.set(bad.clientSecretKeyId, "something-else");
            const run = await runScript("doctor", ["--json", "--probe-secret", "--concurrency", "2", await outputsFile(ok), await outputsFile(bad)],
                emulator.environmentFor(caller));
            assert.equal(run.code, 1, run.stderr);
            const parsed = JSON.parse(run.stdout) as { exitCode: number; environments: EnvironmentReport[] };
            assert.equal(parsed.exitCode, 1);
            assert.deepEqual(parsed.environments.map((e) => [e.environment, e.outcome]), [["cli-json-ok", "healthy"], ["cli-json-bad", "findings"]]);
            assert.deepEqual(parsed.environments[1].findings.map((f) => f.code).sort(), ["redirect-uri-missing", "secret-rejected"]);
            assertNoSecret(run, [ok, bad]);
        });

        it("reads an array of environments from stdin", async () => {
            const a = emulator.directory.seedEnvironment({ environment: "stdin-a" });
            const b = emulator.directory.seedEnvironment({ environment: "stdin-b" });
            const run = await runScript("doctor", ["--json"], emulator.environmentFor(caller), JSON.stringify([a, b]));
            assert.equal(run.code, 0, run.stderr);
            assert.deepEqual((JSON.parse(run.stdout) as { environments: EnvironmentReport[] }).environments.map((e) => e.environment), ["stdin-a", "stdin-b"]);
            assertNoSecret(run, [a, b]);
        });

        it("exits 1 naming Microsoft Graph and a fix when Graph is unreachable", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "cli-unreachable" });
            const run = await runScript("doctor", [await outputsFile(env)],
                { ...emulator.environmentFor(caller), GRAPH_BASE_URL: `https://127.0.0.1:${await closedPort()}` });
            assert.equal(run.code, 1, run.stderr);
            // The table wraps long lines; compare the text as one line.
            const flat = run.stdout.replace(/\s+/g, " ");
            assert.match(flat, /COULD NOT CHECK/);
            assert.match(flat, /Microsoft Graph: read application \S+ of stack cli-unreachable failed \(no response, NetworkError\): ECONNREFUSED/);
            assert.match(flat, /Fix: check the network path to Microsoft Graph/);
            assertNoSecret(run, [env]);
        });

        it("exits 2 for unusable options, 1 for an environment it cannot read, never echoing the secret", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "cli-bad-input" });
            const usage = await runScript("doctor", ["--warn-days", "soon"], emulator.environmentFor(caller));
            assert.equal(usage.code, 2);
            assert.match(usage.stderr, /--warn-days needs a whole number/);
            const partial = join(dir, "partial.json");
            await writeFile(partial, JSON.stringify({ ...env, redirectUris: undefined }));
            const run = await runScript("doctor", [partial], emulator.environmentFor(caller));
            assert.equal(run.code, 1);
            assert.match(run.stdout, /missing or malformed stack outputs: redirectUris/);
            assertNoSecret(run, [env]);
        });

        it("never quotes a malformed outputs file, where JSON.parse would copy a piece of the secret", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "cli-malformed" });
            const text = JSON.stringify(env);
            const cuts = [
                text.replace(`"${env.clientSecret}"`, `"${env.clientSecret}" oops`),
                text.replace(`"${env.clientSecret}"`, env.clientSecret),
                text.slice(0, text.indexOf(env.clientSecret) + 12),
            ];
            for (const [i, json] of cuts.entries()) {
                const file = join(dir, `malformed-${i}.json`);
                await writeFile(file, json);
                for (const args of [[file], ["--json", "--probe-secret", file]]) {
                    const run = await runScript("doctor", args, emulator.environmentFor(caller));
                    assert.equal(run.code, 1, run.stderr);
                    assert.match(run.stdout, /not valid JSON/);
                    assertNoPieceOf(run, env.clientSecret);
                }
            }
        });

        it("checks drift from outputs printed without --show-secrets; only --probe-secret asks for them", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "cli-hidden" });
            const file = join(dir, "hidden.json");
            await writeFile(file, JSON.stringify({ ...env, clientSecret: "[secret]" }));
            const drift = await runScript("doctor", [file], emulator.environmentFor(caller));
            assert.equal(drift.code, 0, drift.stdout + drift.stderr);
            assert.match(drift.stdout, /^cli-hidden\s+OK/m);
            const probe = await runScript("doctor", ["--probe-secret", file], emulator.environmentFor(caller));
            assert.equal(probe.code, 2, "outputs without the secret are unusable input for --probe-secret");
            assert.match(probe.stderr, /hidden\.json: clientSecret is hidden \("\[secret\]", the placeholder .*Fix: pulumi stack output --json --show-secrets/);
            assert.doesNotMatch(probe.stdout + probe.stderr, /\[redacted\]/, "the placeholder is named as the file holds it");
        });

        it("says once that its own credential was refused, with a fix for that credential, not the stack's secret", async () => {
            const a = emulator.directory.seedEnvironment({ environment: "own-a" });
            const b = emulator.directory.seedEnvironment({ environment: "own-b" });
            const wrong = "Wr0ng~SecretValue-of-the-doctor-123";
            const run = await runScript("doctor", [await outputsFile(a), await outputsFile(b)],
                { ...emulator.environmentFor(caller), AZURE_CLIENT_SECRET: wrong });
            assert.equal(run.code, 1, run.stderr);
            const flat = run.stdout.replace(/\s+/g, " ");
            assert.equal(flat.match(/Microsoft identity platform:/g)?.length, 1, run.stdout);
            assert.match(flat, /sign in to tenant \S+ for Microsoft Graph failed \(HTTP 401, AADSTS7000215\)/);
            assert.match(flat, /Fix: the client secret of the identity this command signs in with is wrong: set AZURE_CLIENT_SECRET/);
            assert.match(flat, /This is not the stack's secret/);
            assert.doesNotMatch(flat, /pulumi up|stack outputs/);
            assert.match(flat, /own-b .*The same failure as own-a, above\./);
            assert.ok(!flat.includes(".."), "no doubled period");
            assertNoSecret(run, [a, b]);
            assertNoPieceOf(run, wrong);
        });

        it("says when its identity is not registered in the stack's tenant", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "own-unknown" });
            const run = await runScript("doctor", [await outputsFile(env)],
                { ...emulator.environmentFor(caller), AZURE_CLIENT_ID: "0b1c2d3e-0000-4000-8000-0000000000aa" });
            assert.equal(run.code, 1);
            const flat = run.stdout.replace(/\s+/g, " ");
            assert.match(flat, /\(HTTP 400, AADSTS700016\)/);
            assert.match(flat, /Fix: the identity this command signs in with is not registered in this tenant: .*az login --tenant/);
            assertNoSecret(run, [env]);
        });

        it("blames the network, not the credential, when the token endpoint gives no answer", async () => {
            const env = emulator.directory.seedEnvironment({ environment: "no-token-endpoint" });
            emulator.identity.dropTokenRequests = true;
            let dropped;
            try {
                dropped = await runScript("doctor", [await outputsFile(env)], emulator.environmentFor(caller));
            } finally {
                emulator.identity.dropTokenRequests = false;
            }
            const closed = await runScript("doctor", [await outputsFile(env)],
                { ...emulator.environmentFor(caller), AZURE_AUTHORITY_HOST: `https://127.0.0.1:${await closedPort()}` });
            for (const run of [dropped, closed]) {
                assert.equal(run.code, 1, run.stderr);
                const flat = run.stdout.replace(/\s+/g, " ");
                assert.match(flat, /failed \(no response, NetworkError\): no answer from the token endpoint/);
                assert.match(flat, /Fix: the token endpoint could not be reached: check the network path/);
                assert.doesNotMatch(flat, /HTTP 400/);
                assertNoSecret(run, [env]);
            }
        });

        it("names the permission a 403 lacks, for the application and for the grants", async () => {
            const denied = "Insufficient privileges to complete the operation.";
            const plain = emulator.directory.seedEnvironment({ environment: "denied-app" });
            emulator.failNext(1, 403, "Authorization_RequestDenied", denied, `/applications/${plain.applicationObjectId}`);
            const app403 = await runScript("doctor", [await outputsFile(plain)], emulator.environmentFor(caller));
            const consent = emulator.directory.seedEnvironment({ environment: "denied-grants", adminConsent: true });
            emulator.failNext(1, 403, "Authorization_RequestDenied", denied, "/oauth2PermissionGrants");
            const grants403 = await runScript("doctor", [await outputsFile(consent)], emulator.environmentFor(caller));
            for (const [run, permission] of [[app403, /Microsoft Graph permission Application\.Read\.All/], [grants403, /Microsoft Graph permission Directory\.Read\.All/]] as const) {
                assert.equal(run.code, 1, run.stderr);
                const flat = run.stdout.replace(/\s+/g, " ");
                assert.match(flat, /\(HTTP 403, Authorization_RequestDenied\): Insufficient privileges to complete the operation \[request-id [0-9a-f-]+\]\. Fix:/);
                assert.match(flat, permission);
            }
        });

        it("prints its usage with --help, exit 0", async () => {
            const run = await runScript("doctor", ["--help"], emulator.environmentFor(caller));
            assert.equal(run.code, 0, run.stderr);
            assert.match(run.stdout, /^Usage: nocobase-entra-mail doctor/);
            assert.match(run.stdout, /Exit codes: 0 healthy, 1 findings or an environment could not be checked \(a sign-in failure included\), 2 the command line or its input is unusable\./);
        });
    });
});
