import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveMicrosoftEndpoints } from "../../src/microsoft/endpoints";
import { identityFailure } from "../../src/microsoft/identity-errors";
import { graphFix, MicrosoftServiceError } from "../../src/microsoft/service-error";

/** The shape @azure/identity's chained credentials throw: every failure rewrapped as status 400. */
function rewrapped(description: string): Error {
    return Object.assign(new Error(`EnvironmentCredential authentication failed.\n${description}`), {
        name: "AuthenticationError", statusCode: 400,
        errorResponse: { error: "EnvironmentCredential authentication failed. To troubleshoot, visit https://aka.ms/x.", errorDescription: description },
    });
}

describe("Microsoft failures as messages", () => {
    it("explains each app-management policy refusal with what the policy means and the fix", () => {
        const lifetime = graphFix(400, "CredentialInvalidLifetimeAsPerAppPolicy");
        assert.match(lifetime, /caps the lifetime of new client secrets/);
        assert.match(lifetime, /secretLifetimeCapDays/);
        assert.match(lifetime, /secretRotationDays to at most \(lifetime - 7\) \/ 2/);
        const blocked = graphFix(400, "CredentialTypeNotAllowedAsPerAppPolicy");
        assert.match(blocked, /blocks new client secrets/);
        assert.match(blocked, /Excluded apps/);
        const audience = graphFix(400, "SignInAudienceNotAllowedAsPerAppPolicy");
        assert.match(audience, /blocks this sign-in audience/);
        assert.match(audience, /signInAudience AzureADMultipleOrgs/);
        assert.doesNotMatch(graphFix(400, "Request_BadRequest"), /app-management policy/);
    });

    it("quotes Microsoft's text redacted and shortened, and never doubles the period", () => {
        const key = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoicm9vdCJ9.c2lnbmF0dXJlLXZhbHVlLXBhcnQ";
        const err = new MicrosoftServiceError({
            service: "Microsoft Graph", operation: "read application x", status: 400, code: "BadRequest",
            detail: `Invalid filter clause near 'password=hunter2' and ${key}. ${"x".repeat(600)}.`, fix: "correct the request",
        });
        assert.ok(!err.message.includes("hunter2") && !err.message.includes(key.slice(0, 16)), err.message);
        assert.ok(err.message.length < 600, "shortened");
        const plain = new MicrosoftServiceError({
            service: "Microsoft Graph", operation: "op", status: 403, code: "Authorization_RequestDenied",
            detail: "Insufficient privileges to complete the operation.", fix: "grant it",
        });
        assert.equal(plain.message, "Microsoft Graph: op failed (HTTP 403, Authorization_RequestDenied): " +
            "Insufficient privileges to complete the operation. Fix: grant it");
    });

    it("does not report a status a credential library rewrapped as HTTP 400", () => {
        const failure = identityFailure(rewrapped("invalid_client: Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided."), "sign in");
        assert.match(failure.message, /failed \(refused, AADSTS7000215\)/);
        assert.doesNotMatch(failure.message, /HTTP 400/);
    });

    it("reports the real status MSAL carries", () => {
        const err = Object.assign(new Error("invalid_client: AADSTS7000215: Invalid client secret provided."),
            { name: "AuthenticationRequiredError", cause: { name: "ServerError", errorNo: 7000215, status: 401, errorCode: "invalid_client" } });
        assert.match(identityFailure(err, "sign in").message, /\(HTTP 401, AADSTS7000215\)/);
    });

    it("blames the network when no answer arrived, whatever the wrapper says", () => {
        for (const err of [
            rewrapped("endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details"),
            Object.assign(new Error("endpoints_resolution_error: See ..."), { name: "CredentialUnavailableError" }),
            Object.assign(new Error("network_error: Network request failed"), { name: "AuthenticationError", statusCode: 400 }),
            Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } }),
        ]) {
            const failure = identityFailure(err, "sign in");
            assert.match(failure.message, /failed \(no response, NetworkError\): no answer from the token endpoint/);
            assert.match(failure.details.fix, /^the token endpoint could not be reached/);
        }
    });

    it("gives the command's own credential a fix about that credential, and the stack's secret one about the stack", () => {
        const wrongSecret = Object.assign(new Error("AADSTS7000215: Invalid client secret provided."),
            { name: "AuthenticationRequiredError", cause: { errorNo: 7000215, status: 401 } });
        assert.match(identityFailure(wrongSecret, "sign in").details.fix, /AZURE_CLIENT_SECRET.*This is not the stack's secret/);
        assert.match(identityFailure(wrongSecret, "probe", "stack-secret").details.fix, /stack's client secret .*pulumi up/);
        const notInTenant = Object.assign(new Error("AADSTS700016: Application with identifier 'x' was not found in the directory 'y'."),
            { name: "AuthenticationRequiredError", cause: { errorNo: 700016, status: 400 } });
        assert.match(identityFailure(notInTenant, "sign in").details.fix, /not registered in this tenant.*az login --tenant/);
        assert.doesNotMatch(identityFailure(notInTenant, "sign in").details.fix, /pulumi up/);
    });

    it("refuses a bad endpoint override without repeating a password in it", () => {
        for (const env of [{ AZURE_AUTHORITY_HOST: "http://proxy-user:hunter2-pw@login.example.com" }, { GRAPH_BASE_URL: "ftp://svc:hunter2-pw@graph.example.com" }]) {
            assert.throws(() => resolveMicrosoftEndpoints(env), (err: Error) => {
                assert.ok(!err.message.includes("hunter2"), err.message);
                return true;
            });
        }
    });
});
