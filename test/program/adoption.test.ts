// Adoption in the real program: what an adopted registration keeps, and that changing the adopted ID is
// refused before anything is registered.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";
import { runProgram } from "../../src/operations/plan/program-runner";
import { MOCK_DEPLOYER } from "../../src/operations/plan/recording-mocks";
import { runInChild } from "./program-in-child";

const APP = "azuread:index/application:Application";
const NOCOBASE_MAIL = "nocobase-entra-mail:index:NocobaseMail";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";
const ADOPTED = "9a8b7c6d-1111-4222-8333-444455556666";
const OTHER = "0f0e0d0c-aaaa-4bbb-8ccc-dddddddddddd";
const NOW = new Date("2026-11-23T12:00:00Z");

describe("program: an adopted registration keeps what was chosen", () => {
    it("declares kept owners, redirect URIs of every platform and other permissions", async () => {
        const run = await runProgram({
            stack: "portal", now: NOW,
            config: {
                nocobaseUrl: "https://crm.example.com",
                adoptApplicationObjectId: ADOPTED,
                owners: JSON.stringify(["5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f"]),
                additionalWebRedirectUris: JSON.stringify(["https://reports.example.com/signin-oidc"]),
                spaRedirectUris: JSON.stringify(["https://spa.example.com/auth"]),
                publicClientRedirectUris: JSON.stringify(["msal0000://auth"]),
                additionalPermissions: JSON.stringify([
                    `${MICROSOFT_GRAPH_APP_ID}/Scope/37f7f235-527c-4136-accd-4a02d197296e`,
                    "00000002-0000-0ff1-ce00-000000000000/Scope/3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5",
                ]),
            },
        });
        const app = run.registrations.find((r) => r.type === APP);
        assert.ok(app !== undefined);
        assert.equal(app.importId, `/applications/${ADOPTED}`);
        assert.deepEqual(app.inputs.web, { redirectUris: ["https://crm.example.com/admin/settings/mail/oauth2", "https://reports.example.com/signin-oidc"] });
        assert.deepEqual(app.inputs.singlePageApplication, { redirectUris: ["https://spa.example.com/auth"] });
        assert.deepEqual(app.inputs.publicClient, { redirectUris: ["msal0000://auth"] });
        assert.deepEqual(app.inputs.owners, [MOCK_DEPLOYER.objectId, "5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f"]);
        assert.deepEqual(app.inputs.requiredResourceAccesses, [
            {
                resourceAppId: MICROSOFT_GRAPH_APP_ID,
                resourceAccesses: [...MAIL_DELEGATED_SCOPES.map((s) => ({ id: s.id, type: "Scope" })), { id: "37f7f235-527c-4136-accd-4a02d197296e", type: "Scope" }],
            },
            { resourceAppId: "00000002-0000-0ff1-ce00-000000000000", resourceAccesses: [{ id: "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", type: "Scope" }] },
        ]);
        assert.deepEqual(run.outputs.redirectUris, ["https://crm.example.com/admin/settings/mail/oauth2", "https://reports.example.com/signin-oidc"]);
    });
});

describe("program: changing the adopted registration", () => {
    const config = { nocobaseUrl: "https://crm.example.com", adoptApplicationObjectId: OTHER };

    it("refuses another adoptApplicationObjectId once the stack manages an application, before any resource is registered", () => {
        const outcome = runInChild({ stack: "portal", config, now: NOW, previousOutputs: { applicationObjectId: ADOPTED } });
        assert.equal(outcome.ok, false);
        assert.equal(outcome.runError, true, "a configuration mistake, printed without a stack trace");
        assert.match(outcome.message ?? "", new RegExp(`adoptApplicationObjectId is "${OTHER}", but this stack already manages application ${ADOPTED}`));
        assert.match(outcome.message ?? "", /Nothing was created or changed/);
        assert.match(outcome.message ?? "", new RegExp(`Fix: pulumi config rm --stack portal nocobase-entra-mail:adoptApplicationObjectId`));
        // Only the component (no provider call) exists; no Entra or NocoBase resource was registered.
        assert.deepEqual(outcome.registrations, [NOCOBASE_MAIL, STACK_REFERENCE]);
    });

    // Accepted runs leave no stray rejection behind, so they run in this process.
    it("accepts the same ID again, and a removed one, once the stack manages the application", async () => {
        const same = await runProgram({ stack: "portal", config: { ...config, adoptApplicationObjectId: ADOPTED.toUpperCase() }, now: NOW, previousOutputs: { applicationObjectId: ADOPTED } });
        assert.ok(same.registrations.some((r) => r.type === APP));
        const removed = await runProgram({ stack: "portal", config: { nocobaseUrl: "https://crm.example.com" }, now: NOW, previousOutputs: { applicationObjectId: ADOPTED } });
        assert.ok(removed.registrations.some((r) => r.type === APP && r.importId === undefined));
    });

    it("accepts an adoption on a stack that has not run yet", async () => {
        const run = await runProgram({ stack: "portal", config, now: NOW, previousOutputs: {} });
        assert.equal(run.registrations.find((r) => r.type === APP)?.importId, `/applications/${OTHER}`);
    });
});
