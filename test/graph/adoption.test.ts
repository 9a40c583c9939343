/**
 * The adoption preflight against the emulator: a registration clicked together in the portal (extra
 * owners, SPA and public-client URIs, another API's permission, an extra Graph permission, a hand-made
 * secret, a portal-made grant, a deployer that is not an owner), reported item by item with exit codes;
 * `--write` produces a stack file the program accepts and that keeps what was chosen. The deploying
 * identity is asked of Graph (a person's `/me` and directory roles, an application by AZURE_CLIENT_ID),
 * never read from the token. No secret is ever printed or written.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";
import { runProgram } from "../../src/operations/plan/program-runner";
import { readStackFile } from "../../src/operations/plan/stack-file";
import type { GraphClient } from "../../src/microsoft/graph-client";
import { parseAdoptArguments } from "../../src/operations/adoption/adopt-arguments";
import { runPreflight } from "../../src/operations/adoption/adoption-preflight";
import { readSignedInIdentity } from "../../src/operations/adoption/deployer-identity";
import { runScript, type ScriptRun } from "./emulator/child-process";
import { emulatorGraphClient, emulatorPersonGraphClient } from "./emulator/clients";
import { GRAPH_APP_ROLES, MAIL_GRANT_SCOPE, MAIL_READ_SCOPE, type Application, type DirectoryUser } from "./emulator/directory";
import { startEmulator, type Emulator } from "./emulator/emulator";

const NOCOBASE_URL = "https://crm.contoso.example";
const CALLBACK = `${NOCOBASE_URL}/admin/settings/mail/oauth2`;
const REPORTS_URI = "https://reports.contoso.example/signin-oidc";
const SPA_URI = "https://spa.contoso.example/auth";
/** Office 365 Exchange Online, an API other than Microsoft Graph (test data). */
const EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";
const EXCHANGE_SCOPE = "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5";
/** Stands in for an encrypted NocoBase API key in the stack file; must survive --write unchanged. */
const ENCRYPTED_TOKEN = "v1:Q2lwaGVydGV4dE9mVGhlTm9jb0Jhc2VLZXk=";

const STACK_FILE = `# Portal-made registration adopted by this stack.
config:
  nocobase-entra-mail:nocobaseUrl: ${NOCOBASE_URL}
  nocobase-entra-mail:grantAdminConsent: true
  nocobase-entra-mail:nocobaseApiToken:
    secure: ${ENCRYPTED_TOKEN}
`;

describe("adoption preflight", () => {
    let emulator: Emulator;
    let deployer: { clientId: string; clientSecret: string; servicePrincipalId: string };
    let alice: DirectoryUser;
    let bob: DirectoryUser;
    let app: Application;
    let handMadeSecret: string;
    let grantId: string;
    let publicClientUri: string;
    let dir: string;

    before(async () => {
        emulator = await startEmulator();
        deployer = emulator.directory.seedCaller("ci deployer");
        const ownedBy = GRAPH_APP_ROLES.find((r) => r.value === "Application.ReadWrite.OwnedBy");
        assert.ok(ownedBy !== undefined);
        emulator.directory.appRoleAssignments.push({
            id: "ownedby", principalId: deployer.servicePrincipalId, principalType: "ServicePrincipal",
            resourceId: emulator.directory.graphServicePrincipal.id, appRoleId: ownedBy.id, createdDateTime: new Date().toISOString(),
        });
        alice = emulator.directory.newUser("Alice Admin");
        bob = emulator.directory.newUser("Bob Builder");
        const seeded = emulator.directory.seedPortalRegistration({
            displayName: "Contoso mail (portal)",
            signInAudience: "AzureADandPersonalMicrosoftAccount",
            api: { requestedAccessTokenVersion: 2, oauth2PermissionScopes: [{ id: "6c1a2b3d-0000-4000-8000-000000000001", value: "access_as_user", isEnabled: true }] },
            web: { redirectUris: [CALLBACK, REPORTS_URI] },
            spa: { redirectUris: [SPA_URI] },
            requiredResourceAccess: [
                {
                    resourceAppId: MICROSOFT_GRAPH_APP_ID,
                    resourceAccess: [...MAIL_DELEGATED_SCOPES, MAIL_READ_SCOPE].map((s) => ({ id: s.id, type: "Scope" as const })),
                },
                { resourceAppId: EXCHANGE_APP_ID, resourceAccess: [{ id: EXCHANGE_SCOPE, type: "Scope" }] },
            ],
        }, { owners: [alice.id, bob.id], handMadeSecret: true, grantScope: `${MAIL_GRANT_SCOPE} ${MAIL_READ_SCOPE.name}` });
        app = seeded.application;
        publicClientUri = `msal${app.appId}://auth`;
        app.publicClient.redirectUris = [publicClientUri];
        assert.ok(seeded.secretText !== undefined && seeded.grantId !== undefined);
        handMadeSecret = seeded.secretText;
        grantId = seeded.grantId;
        dir = await mkdtemp(join(tmpdir(), "adopt-test-"));
        await writeFile(join(dir, "Pulumi.portal.yaml"), STACK_FILE);
    });
    after(() => emulator.close());

    async function adopt(...args: string[]): Promise<ScriptRun> {
        const run = await runScript("adopt", ["--stack", "portal", "--stacks-dir", dir, ...args], emulator.environmentFor(deployer));
        for (const secret of [handMadeSecret, deployer.clientSecret, ENCRYPTED_TOKEN]) {
            assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "no secret in the output");
        }
        return run;
    }

    function line(output: string, effect: string, subject: string): string {
        const found = output.split("\n").find((l) => l.trimStart().startsWith(effect) && l.includes(subject));
        assert.ok(found !== undefined, `"${effect} ... ${subject}" in:\n${output}`);
        return found;
    }

    it("reports every loss and every failure of the first pulumi up, each with its fix (exit 1)", async () => {
        const writesBefore = emulator.graphWrites().length;
        const run = await adopt("--object-id", app.id);
        assert.equal(run.code, 1, run.stderr);
        const out = run.stdout;
        line(out, "REMOVE", `Alice Admin (user, ${alice.id})`);
        line(out, "REMOVE", `Bob Builder (user, ${bob.id})`);
        line(out, "add", `${deployer.servicePrincipalId} (the deploying identity)`);
        line(out, "keep", `web ${CALLBACK}`);
        line(out, "REMOVE", `web ${REPORTS_URI}`);
        line(out, "REMOVE", `spa ${SPA_URI}`);
        line(out, "REMOVE", `public client ${publicClientUri}`);
        line(out, "keep", "Microsoft Graph IMAP.AccessAsUser.All");
        line(out, "REMOVE", `Microsoft Graph Mail.Read (delegated, ${MAIL_READ_SCOPE.id})`);
        line(out, "REMOVE", `API ${EXCHANGE_APP_ID} ${EXCHANGE_SCOPE} (delegated)`);
        line(out, "keep", "1 exposed API scopes (api.oauth2PermissionScopes)");
        line(out, "keep", `${app.passwordCredentials[0].keyId} ("made in the portal"`);
        line(out, "FAILS", "1 existing + 2 of the stack > 2");
        line(out, "FAILS", `grant ${grantId}`);
        line(out, "FAILS", `${deployer.servicePrincipalId} (application) is not an owner`);
        assert.match(out, /Fix: an owner or administrator adds it: az ad app owner add --id \S+ --owner-object-id /);
        assert.match(out, /Fix: nocobase-entra-mail adopt --stack portal --object-id \S+ --write imports it, or: pulumi config set --stack portal nocobase-entra-mail:adoptAdminConsentGrantId /);
        assert.match(out, /7 would be removed, 3 would make pulumi up fail \(exit 1\)\./);
        assert.equal(emulator.graphWrites().length, writesBefore, "the preflight writes nothing to Entra");
    });

    it("gives every loss and failure a fix in JSON", async () => {
        const run = await adopt("--object-id", app.id, "--json");
        assert.equal(run.code, 1, run.stderr);
        const report = JSON.parse(run.stdout) as { exitCode: number; items: Array<{ effect: string; fix?: string }> };
        assert.equal(report.exitCode, 1);
        const serious = report.items.filter((i) => i.effect === "remove" || i.effect === "fails");
        assert.equal(serious.length, 10);
        assert.ok(serious.every((i) => (i.fix ?? "").length > 10));
    });

    it("treats a deployer allowed to update every application as able to adopt without being an owner", async () => {
        const readWriteAll = GRAPH_APP_ROLES.find((r) => r.value === "Application.ReadWrite.All");
        assert.ok(readWriteAll !== undefined);
        const admin = emulator.directory.seedCaller("tenant-wide deployer");
        emulator.directory.appRoleAssignments.push({
            id: "readwriteall", principalId: admin.servicePrincipalId, principalType: "ServicePrincipal",
            resourceId: emulator.directory.graphServicePrincipal.id, appRoleId: readWriteAll.id, createdDateTime: new Date().toISOString(),
        });
        const run = await runScript("adopt", ["--stack", "portal", "--stacks-dir", dir, "--object-id", app.id], emulator.environmentFor(admin));
        line(run.stdout, "keep", `${admin.servicePrincipalId} (application) is not an owner`);
        assert.match(run.stdout, /Application\.ReadWrite\.All lets it update the application; the stack makes it an owner/);
    });

    /** The preflight in this process, signed in through `graph`, with `clientId` as AZURE_CLIENT_ID. */
    function preflightAs(graph: GraphClient, clientId: string | undefined) {
        const args = parseAdoptArguments(["--stack", "portal", "--stacks-dir", dir, "--object-id", app.id]);
        return runPreflight(args, { graph, signedInIdentity: () => readSignedInIdentity(graph, clientId) });
    }

    it("names a person's directory role that lets them update any application, read from Graph", async () => {
        const carol = emulator.directory.newUser("Carol Cloud");
        emulator.directory.assignDirectoryRole(carol.id, "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator");
        const graph = emulatorPersonGraphClient(emulator, carol.id);
        assert.deepEqual(await readSignedInIdentity(graph, deployer.clientId),
            { objectId: carol.id, kind: "person", updatesAnyApplication: "Application Administrator" });
        const outcome = await preflightAs(graph, deployer.clientId);
        line(outcome.output, "keep", `${carol.id} (person) is not an owner`);
        assert.match(outcome.output, /Application Administrator lets it update the application; the stack makes it an owner/);
    });

    it("finds no such right for a person without directory roles, or with another role", async () => {
        const dave = emulator.directory.newUser("Dave Developer");
        const graph = emulatorPersonGraphClient(emulator, dave.id);
        assert.deepEqual(await readSignedInIdentity(graph, undefined), { objectId: dave.id, kind: "person", updatesAnyApplication: undefined });
        emulator.directory.assignDirectoryRole(dave.id, "cf1c38e5-3621-4004-a7cb-879624dced7c", "Application Developer");
        assert.deepEqual(await readSignedInIdentity(graph, undefined), { objectId: dave.id, kind: "person", updatesAnyApplication: undefined });
        const outcome = await preflightAs(graph, undefined);
        assert.equal(outcome.exitCode, 1);
        line(outcome.output, "FAILS", `${dave.id} (person) is not an owner`);
        assert.match(outcome.output, /it may change only applications it owns: pulumi up would fail with 403/);
    });

    it("says a person's rights are not known when the sign-in may not read directory roles, and still fails the check", async () => {
        const erin = emulator.directory.newUser("Erin Elevated");
        emulator.directory.assignDirectoryRole(erin.id, "62e90394-69f5-4237-9190-012177145e10", "Global Administrator");
        const graph = emulatorPersonGraphClient(emulator, erin.id, ["User.Read"]);
        const identity = await readSignedInIdentity(graph, undefined);
        assert.ok(identity.kind === "person" && identity.updatesAnyApplication === undefined);
        assert.match(identity.rightsNotKnown ?? "", /1 of its directory roles without their template ID/);
        const outcome = await preflightAs(graph, undefined);
        line(outcome.output, "FAILS", `${erin.id} (person) is not an owner`);
        assert.match(outcome.output, /its rights are not known \(Microsoft Graph listed 1 of its directory roles/);
    });

    it("finds an application by AZURE_CLIENT_ID when Graph refuses /me, with Application.ReadWrite.All or without it", async () => {
        const tenantWide = emulator.directory.seedCaller("tenant-wide reader");
        emulator.directory.grantGraphAppRole(tenantWide.servicePrincipalId, "Application.ReadWrite.All");
        assert.deepEqual(await readSignedInIdentity(emulatorGraphClient(emulator, tenantWide), tenantWide.clientId),
            { objectId: tenantWide.servicePrincipalId, kind: "application", updatesAnyApplication: "Application.ReadWrite.All" });
        assert.deepEqual(await readSignedInIdentity(emulatorGraphClient(emulator, deployer), deployer.clientId),
            { objectId: deployer.servicePrincipalId, kind: "application", updatesAnyApplication: undefined });
        assert.ok(emulator.log.some((l) => l.path === "/v1.0/me" && l.status === 400), "Graph refused /me for the app-only token");
    });

    it("cannot name an application without a client ID, and gives the --deployer fix (exit 2)", async () => {
        const graph = emulatorGraphClient(emulator, deployer);
        const identity = await readSignedInIdentity(graph, undefined);
        assert.equal(identity.kind, "not known");
        const outcome = await preflightAs(graph, undefined);
        assert.equal(outcome.exitCode, 2);
        assert.match(outcome.error ?? "", /The deploying identity is not known: .*no client ID \(AZURE_CLIENT_ID\).*Fix: give it with --deployer <object ID>/);
        const missing = await readSignedInIdentity(graph, "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd");
        assert.ok(missing.kind === "not known" && /no service principal for client ID 0f0e0d0c-/.test(missing.reason));
    });

    it("reports a failed Graph read instead of taking it for an answer; a refused one leaves the rights not known", async () => {
        const frank = emulator.directory.newUser("Frank Failing");
        emulator.failNext(1, 500, "InternalServerError", "Something went wrong.", "/me/transitiveMemberOf");
        const failed = await preflightAs(emulatorPersonGraphClient(emulator, frank.id), undefined);
        assert.equal(failed.exitCode, 1);
        assert.equal(failed.output, "");
        assert.match(failed.error ?? "", /Microsoft Graph: list the signed-in person's directory roles failed \(HTTP 500, InternalServerError\)/);
        emulator.failNext(1, 500, "InternalServerError", "Something went wrong.", "/me");
        await assert.rejects(readSignedInIdentity(emulatorGraphClient(emulator, deployer), deployer.clientId), /read the signed-in person \(\/me\) failed \(HTTP 500/);
        emulator.failNext(1, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", "/appRoleAssignments");
        const refused = await readSignedInIdentity(emulatorGraphClient(emulator, deployer), deployer.clientId);
        assert.ok(refused.kind === "application" && refused.updatesAnyApplication === undefined);
        assert.match(refused.rightsNotKnown ?? "", /refused to list its application permissions \(403; it needs Application\.Read\.All\)/);
    });

    it("--write sets the adopted ID and keeps owners, every platform's URIs, other permissions and the grant", async () => {
        const run = await adopt("--object-id", app.id, "--write");
        assert.equal(run.code, 1, "still blocked: the hand-made secret leaves no room, the deployer is not an owner, Mail.Read consent");
        assert.match(run.stdout, /Wrote to the stack file: nocobase-entra-mail:adoptApplicationObjectId, nocobase-entra-mail:owners, /);
        line(run.stdout, "keep", `Alice Admin (user, ${alice.id})`);
        line(run.stdout, "keep", `spa ${SPA_URI}`);
        line(run.stdout, "keep", `public client ${publicClientUri}`);
        line(run.stdout, "keep", `web ${REPORTS_URI}`);
        line(run.stdout, "keep", "Microsoft Graph Mail.Read");
        line(run.stdout, "keep", `grant ${grantId}`);
        line(run.stdout, "REMOVE", "consented scope Mail.Read");
        assert.match(run.stdout, /1 would be removed, 2 would make pulumi up fail \(exit 1\)\./);

        const text = await readFile(join(dir, "Pulumi.portal.yaml"), "utf8");
        assert.ok(text.startsWith("# Portal-made registration adopted by this stack."), "comments stay");
        assert.ok(text.includes(`secure: ${ENCRYPTED_TOKEN}`), "the encrypted key stays as it was");
        assert.ok(!text.includes(handMadeSecret) && !text.includes(deployer.clientSecret));

        // The program accepts the file, and its declared inputs keep what was chosen.
        const file = readStackFile("portal", dir);
        const result = await runProgram({ stack: "portal", config: file.config, secretKeys: file.secretKeys });
        const application = result.registrations.find((r) => r.type === "azuread:index/application:Application");
        assert.ok(application !== undefined);
        assert.equal(application.importId, `/applications/${app.id}`);
        assert.ok((application.inputs.owners as string[]).includes(alice.id) && (application.inputs.owners as string[]).includes(bob.id));
        assert.deepEqual(application.inputs.web, { redirectUris: [CALLBACK, REPORTS_URI] });
        assert.deepEqual(application.inputs.singlePageApplication, { redirectUris: [SPA_URI] });
        assert.deepEqual(application.inputs.publicClient, { redirectUris: [publicClientUri] });
        assert.deepEqual(application.inputs.requiredResourceAccesses, [
            { resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccesses: [...MAIL_DELEGATED_SCOPES, MAIL_READ_SCOPE].map((s) => ({ id: s.id, type: "Scope" })) },
            { resourceAppId: EXCHANGE_APP_ID, resourceAccesses: [{ id: EXCHANGE_SCOPE, type: "Scope" }] },
        ]);
        const grant = result.registrations.find((r) => r.type.endsWith("ServicePrincipalDelegatedPermissionGrant"));
        assert.equal(grant?.importId, `/oauth2PermissionGrants/${grantId}`);
    });

    it("exits 0 once nothing would be lost: deployer made owner, hand-made secret removed, the grant left alone", async () => {
        emulator.directory.owners.get(app.id)?.push(deployer.servicePrincipalId);
        app.passwordCredentials.splice(0, app.passwordCredentials.length);
        const text = await readFile(join(dir, "Pulumi.portal.yaml"), "utf8");
        await writeFile(join(dir, "Pulumi.portal.yaml"), text
            .replace("nocobase-entra-mail:grantAdminConsent: true", "nocobase-entra-mail:grantAdminConsent: false")
            .replace(/^ {2}nocobase-entra-mail:adoptAdminConsentGrantId: .*\n/m, ""));
        const run = await adopt("--object-id", app.id);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        line(run.stdout, "keep", `${deployer.servicePrincipalId} (application) is an owner`);
        assert.match(run.stdout, /grantAdminConsent is false: the stack leaves it alone/);
        assert.match(run.stdout, /Nothing would be lost \(exit 0\)\./);
    });

    it("exits 2 on unusable input (unknown object ID, invalid stack file, bad arguments), 1 when Microsoft cannot be asked", async () => {
        const unknown = await adopt("--object-id", "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd");
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /no application with object ID 0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd .*Fix: copy the Object ID/);
        const unreachable = await runScript("adopt", ["--stack", "portal", "--stacks-dir", dir, "--object-id", app.id],
            { ...emulator.environmentFor(deployer), GRAPH_BASE_URL: "https://127.0.0.1:9/" });
        assert.equal(unreachable.code, 1, "a failure while working, as in the doctor");
        assert.match(unreachable.stderr, /Microsoft Graph: read application \S+ failed \(no response, NetworkError\)[\s\S]*Fix: check the network path/);
        assert.ok(!unreachable.stderr.includes(deployer.clientSecret));
        await writeFile(join(dir, "Pulumi.broken.yaml"), "config:\n  nocobase-entra-mail:nocobaseUrl: http://crm.contoso.example\n");
        const broken = await runScript("adopt", ["--stack", "broken", "--stacks-dir", dir, "--object-id", app.id], emulator.environmentFor(deployer));
        assert.equal(broken.code, 2);
        assert.match(broken.stderr, /stack "broken": Stack configuration has 1 problem[\s\S]*Fix: pulumi config set --stack broken nocobase-entra-mail:nocobaseUrl/);
        emulator.failNext(1, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", "/oauth2PermissionGrants");
        const denied = await adopt("--object-id", app.id);
        assert.equal(denied.code, 1);
        assert.match(denied.stderr, /read the tenant-wide consent[\s\S]*Fix: grant the identity this command signs in with the Microsoft Graph permission Directory\.Read\.All/);
        const usage = await runScript("adopt", ["--object-id", "nope"], emulator.environmentFor(deployer));
        assert.equal(usage.code, 2);
        assert.match(usage.stderr, /--stack is required\.[\s\S]*Usage: nocobase-entra-mail adopt/);
        const help = await runScript("adopt", ["--help"], {});
        assert.equal(help.code, 0);
        assert.match(help.stdout, /Exit codes: 0 nothing would be lost/);
        for (const run of [broken, usage]) {
            assert.ok(!`${run.stdout}${run.stderr}`.includes(deployer.clientSecret), "no secret in the output");
        }
    });
});
