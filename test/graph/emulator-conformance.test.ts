/**
 * The emulator answers Microsoft's real SDKs the way Microsoft's services are documented to: MSAL (through
 * @azure/identity) gets tokens and the documented AADSTS errors, and the Graph SDK talks to it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AuthenticationRequiredError, ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";
import { aadstsCode } from "../../src/microsoft/identity-errors";
import { readServicePrincipalByAppId } from "../../src/microsoft/directory-reader";
import { MicrosoftServiceError } from "../../src/microsoft/service-error";
import { emulatorCredential, emulatorGraphClient, emulatorPersonGraphClient } from "./emulator/clients";
import { startEmulator, type Emulator } from "./emulator/emulator";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

describe("emulator conformance", () => {
    let emulator: Emulator;
    let caller: { clientId: string; clientSecret: string };

    before(async () => {
        emulator = await startEmulator();
        caller = emulator.directory.seedCaller("test administrator");
    });
    after(() => emulator.close());

    it("gives ClientSecretCredential a token after serving the OpenID configuration MSAL fetches", async () => {
        emulator.resetStats();
        const token = await emulatorCredential(emulator, caller).getToken(GRAPH_SCOPE);
        assert.ok(token.token.startsWith("emu."));
        assert.ok(token.expiresOnTimestamp > Date.now());
        assert.deepEqual(emulator.log.map((l) => l.kind), ["metadata", "token"]);
    });

    it("gives DefaultAzureCredential a token from AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET", async () => {
        const saved = { ...process.env };
        const env = emulator.environmentFor(caller);
        try {
            Object.assign(process.env, { AZURE_CLIENT_ID: env.AZURE_CLIENT_ID, AZURE_TENANT_ID: env.AZURE_TENANT_ID,
                AZURE_CLIENT_SECRET: env.AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST: env.AZURE_AUTHORITY_HOST });
            const credential = new DefaultAzureCredential({ disableInstanceDiscovery: true });
            const token = await credential.getToken(GRAPH_SCOPE);
            assert.ok(token.token.startsWith("emu."));
        } finally {
            for (const key of ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST"]) {
                if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
            }
        }
    });

    async function tokenFailure(clientId: string, secret: string): Promise<unknown> {
        const credential = new ClientSecretCredential(emulator.tenantId, clientId, secret,
            { authorityHost: emulator.authorityHost, disableInstanceDiscovery: true });
        return credential.getToken(GRAPH_SCOPE).then(() => assert.fail("expected a token failure"), (err: unknown) => err);
    }

    it("refuses a wrong secret with AADSTS7000215", async () => {
        const err = await tokenFailure(caller.clientId, "not-the-secret");
        assert.ok(err instanceof AuthenticationRequiredError);
        assert.equal(aadstsCode(err), 7000215);
    });

    it("refuses an expired secret with AADSTS7000222", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "expired" });
        emulator.directory.application(env.applicationObjectId).passwordCredentials[0].endDateTime = new Date(Date.now() - 1000).toISOString();
        assert.equal(aadstsCode(await tokenFailure(env.clientId, env.clientSecret)), 7000222);
    });

    it("refuses an unknown application with AADSTS700016", async () => {
        assert.equal(aadstsCode(await tokenFailure("11111111-2222-3333-4444-555555555555", "whatever")), 700016);
    });

    it("serves the Graph SDK with its own TokenCredentialAuthenticationProvider and customHosts", async () => {
        const client = Client.initWithMiddleware({
            authProvider: new TokenCredentialAuthenticationProvider(emulatorCredential(emulator, caller), { scopes: [GRAPH_SCOPE] }),
            baseUrl: emulator.graphBaseUrl,
            customHosts: new Set(["127.0.0.1"]),
        });
        const result = await client.api("/servicePrincipals").filter(`appId eq '${MICROSOFT_GRAPH_APP_ID}'`).get() as { value: Array<{ id: string }> };
        assert.deepEqual(result.value.map((s) => s.id), [emulator.directory.graphServicePrincipal.id]);
    });

    it("addresses a service principal by its alternate key appId, and answers 404 Request_ResourceNotFound when absent", async () => {
        const graph = emulatorGraphClient(emulator, caller);
        const found = await readServicePrincipalByAppId<{ id: string }>(graph, MICROSOFT_GRAPH_APP_ID, { operation: "read", select: "id" });
        assert.deepEqual(found, { id: emulator.directory.graphServicePrincipal.id });
        const raw = await graph.get<unknown>("/servicePrincipals(appId='11111111-2222-3333-4444-555555555555')", { operation: "read", accept: [404] });
        assert.equal(raw.status, 404);
        const err = await graph.get("/servicePrincipals(appId='11111111-2222-3333-4444-555555555555')", { operation: "read an absent one" })
            .then(() => assert.fail("expected 404"), (e: unknown) => e);
        assert.ok(err instanceof MicrosoftServiceError);
        assert.equal(err.details.code, "Request_ResourceNotFound");
        assert.equal(await readServicePrincipalByAppId(graph, "11111111-2222-3333-4444-555555555555", { operation: "read", select: "id" }), undefined);
    });

    it("answers Graph calls without a bearer token with 401 InvalidAuthenticationToken", async () => {
        const client = Client.initWithMiddleware({
            authProvider: { getAccessToken: () => Promise.resolve("") },
            baseUrl: emulator.graphBaseUrl,
            customHosts: new Set(["127.0.0.1"]),
        });
        const raw = await client.api("/applications").responseType(ResponseType.RAW).get() as Response;
        assert.equal(raw.status, 401);
        const body = await raw.json() as { error: { code: string; innerError: Record<string, string> } };
        assert.equal(body.error.code, "InvalidAuthenticationToken");
        assert.ok(body.error.innerError["request-id"] && body.error.innerError["client-request-id"] && body.error.innerError.date);
    });

    it("answers an unknown object with 404 Request_ResourceNotFound in Graph's error envelope", async () => {
        const graph = emulatorGraphClient(emulator, caller);
        const err = await graph.get("/applications/00000000-0000-0000-0000-000000000001", { operation: "read a missing application" })
            .then(() => assert.fail("expected 404"), (e: unknown) => e);
        assert.ok(err instanceof MicrosoftServiceError);
        assert.equal(err.details.status, 404);
        assert.equal(err.details.code, "Request_ResourceNotFound");
        assert.match(err.message, /^Microsoft Graph: read a missing application failed \(HTTP 404/);
        assert.match(err.message, /request-id [0-9a-f-]{36}/);
    });

    it("answers /me for a person's delegated token only, and lists their directory roles through the directoryRole cast", async () => {
        const err = await emulatorGraphClient(emulator, caller).get("/me", { operation: "read /me app-only" })
            .then(() => assert.fail("expected 400"), (e: unknown) => e);
        assert.ok(err instanceof MicrosoftServiceError);
        assert.equal(err.details.status, 400);
        assert.equal(err.details.code, "BadRequest");
        assert.equal(err.details.detail, "/me request is only valid with delegated authentication flow");
        const person = emulator.directory.newUser("Conformance Person");
        emulator.directory.assignDirectoryRole(person.id, "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator");
        const graph = emulatorPersonGraphClient(emulator, person.id);
        assert.deepEqual((await graph.get<Record<string, unknown>>("/me", { operation: "read /me", query: { $select: "id" } })).body,
            { "@odata.context": `${emulator.origin}/v1.0/$metadata#users/$entity`, id: person.id });
        const roles = await graph.list<Record<string, unknown>>("/me/transitiveMemberOf/microsoft.graph.directoryRole",
            { operation: "list roles", query: { $select: "roleTemplateId" } });
        assert.equal(roles.length, 1);
        assert.equal(roles[0]["@odata.type"], "#microsoft.graph.directoryRole");
        assert.equal(roles[0].roleTemplateId, "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3");
        assert.notEqual(roles[0].id, roles[0].roleTemplateId, "an activated role has its own object ID");
    });

    it("replaces requiredResourceAccess whole on PATCH", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "patch" });
        const graph = emulatorGraphClient(emulator, caller);
        const other = { resourceAppId: "00000002-0000-0ff1-ce00-000000000000", resourceAccess: [{ id: "dc890d15-9560-4a4c-9b7f-a736ec74ec40", type: "Role" }] };
        await graph.patch(`/applications/${env.applicationObjectId}`, { requiredResourceAccess: [other] }, { operation: "patch" });
        const app = await graph.get<{ requiredResourceAccess: unknown[] }>(`/applications/${env.applicationObjectId}`, { operation: "read" });
        assert.deepEqual(app.body?.requiredResourceAccess, [other]);
    });

    it("returns secretText only from addPassword and enforces 2 secrets for personal-account audiences", async () => {
        const env = emulator.directory.seedEnvironment({ environment: "secrets" });
        const graph = emulatorGraphClient(emulator, caller);
        const added = await graph.post<{ keyId: string; secretText: string }>(`/applications/${env.applicationObjectId}/addPassword`,
            { passwordCredential: { displayName: "second" } }, { operation: "add a password" });
        assert.equal(added.status, 200);
        assert.equal(typeof added.body?.secretText, "string");
        const app = await graph.get<{ passwordCredentials: Array<{ keyId: string; secretText: string | null }> }>(
            `/applications/${env.applicationObjectId}`, { operation: "read" });
        assert.equal(app.body?.passwordCredentials.length, 2);
        assert.ok(app.body?.passwordCredentials.every((p) => p.secretText === null));
        const third = await graph.post(`/applications/${env.applicationObjectId}/addPassword`, { passwordCredential: {} }, { operation: "add a third password" })
            .then(() => assert.fail("expected TooManyAppPasswords"), (e: unknown) => e);
        assert.ok(third instanceof MicrosoftServiceError);
        assert.equal(third.details.code, "TooManyAppPasswords");
        assert.equal(third.details.status, 400);
    });

    it("serves the policy reads in Graph's shapes, 403 Authorization_RequestDenied without Policy.Read.All", async () => {
        const graph = emulatorGraphClient(emulator, caller);
        const app = emulator.directory.newApplication({ displayName: "policy shapes" });
        const denied = await graph.get("/policies/defaultAppManagementPolicy", { operation: "read the default policy", accept: [403] });
        assert.equal(denied.status, 403);
        await assert.rejects(graph.list(`/applications/${app.id}/appManagementPolicies`, { operation: "read the app's policies" }),
            (err: unknown) => err instanceof MicrosoftServiceError && err.details.status === 403 && err.details.code === "Authorization_RequestDenied");
        const reader = emulator.directory.seedCaller("policy reader");
        emulator.directory.grantGraphAppRole(reader.servicePrincipalId, "Policy.Read.All");
        const allowed = emulatorGraphClient(emulator, reader);
        const policy = await allowed.get<Record<string, unknown>>("/policies/defaultAppManagementPolicy", { operation: "read the default policy" });
        assert.deepEqual(Object.keys(policy.body ?? {}).sort(),
            ["@odata.context", "applicationRestrictions", "description", "displayName", "id", "isEnabled"]);
        assert.deepEqual(await allowed.list(`/applications/${app.id}/appManagementPolicies`, { operation: "read the app's policies" }), []);
        const assigned = emulator.directory.assignPolicy(app, { restrictions: { passwordCredentials: [], keyCredentials: [] } });
        assert.deepEqual((await allowed.list<{ id: string }>(`/applications/${app.id}/appManagementPolicies`, { operation: "read the app's policies" }))
            .map((p) => p.id), [assigned.id]);
    });

    it("hides new objects for the replication delay, and our client retries the 404 when told it is transient", async () => {
        const graph = emulatorGraphClient(emulator, caller);
        emulator.graph.replicationDelayMs = 150;
        try {
            const created = await graph.post<{ id: string }>("/applications", { displayName: "replication probe" }, { operation: "create" });
            const id = created.body?.id ?? "";
            const immediate = await graph.get(`/applications/${id}`, { operation: "read", accept: [404] });
            assert.equal(immediate.status, 404);
            emulator.resetStats();
            const slow = emulatorGraphClient(emulator, caller, { sleep: () => new Promise((r) => setTimeout(r, 100)) });
            const later = await slow.get(`/applications/${id}`, { operation: "read", transient: { notFound: true } });
            assert.equal(later.status, 200);
            assert.ok(emulator.log.filter((l) => l.kind === "graph").length >= 2, "the 404 was retried");
        } finally {
            emulator.graph.replicationDelayMs = 0;
        }
    });

    it("throttles with 429 and Retry-After on demand, which our client honours", async () => {
        const graph = emulatorGraphClient(emulator, caller, { sleep: (ms) => { waits.push(ms); return Promise.resolve(); } });
        const waits: number[] = [];
        emulator.resetStats();
        emulator.throttleNext(2, 3, "/servicePrincipals");
        const result = await graph.list("/servicePrincipals", { operation: "list", query: { $filter: `appId eq '${MICROSOFT_GRAPH_APP_ID}'` } });
        assert.equal(result.length, 1);
        assert.deepEqual(emulator.log.filter((l) => l.kind === "graph").map((l) => l.status), [429, 429, 200]);
        assert.deepEqual(waits, [3000, 3000]);
    });

    it("fails with a Graph error naming the operation when throttling outlasts the retry budget", async () => {
        const graph = emulatorGraphClient(emulator, caller, { retryPolicy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 5000, maxNetworkAttempts: 1 } });
        emulator.throttleNext(2, 0);
        const err = await graph.get("/servicePrincipals", { operation: "list service principals" }).then(() => assert.fail("expected 429"), (e: unknown) => e);
        assert.ok(err instanceof MicrosoftServiceError);
        assert.equal(err.details.status, 429);
        assert.match(err.message, /list service principals failed \(HTTP 429, TooManyRequests\).*Fix: .*throttling/);
    });
});
