// The component's adopted children: imported, retained on delete and replacement, and leaving the
// application settings NocoBase mail does not manage alone.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MailAppRegistration, UNMANAGED_APPLICATION_PROPERTIES } from "../../src/registration/mail-app-registration";
import { RecordingMocks } from "../../src/operations/plan/recording-mocks";

const COMPONENT = "nocobase-entra-mail:entra:MailAppRegistration";
const ADOPTED = "9a8b7c6d-1111-4222-8333-444455556666";
const GRANT_ID = "portalGrant_0123456789abcdefABCDEF";
const NOW = new Date("2026-11-23T12:00:00Z");

interface ChildOptions {
    readonly name: string;
    readonly opts: pulumi.CustomResourceOptions;
}

function build(extra: Partial<ConstructorParameters<typeof MailAppRegistration>[1]>) {
    const children: ChildOptions[] = [];
    new MailAppRegistration("mail", {
        displayName: "NocoBase Email (test)",
        redirectUris: ["https://crm.example.com/admin/settings/mail/oauth2"],
        rotation: { rotationDays: 90, lifetimeDays: 180, generation: 1 },
        now: NOW,
        secretLabel: "test",
        ...extra,
    }, {
        transformations: [(args) => {
            if (args.type !== COMPONENT) {
                children.push({ name: args.name, opts: args.opts });
            }
            return undefined;
        }],
    });
    return (name: string): pulumi.CustomResourceOptions => {
        const child = children.find((c) => c.name === name);
        assert.ok(child !== undefined, `${name} is declared`);
        return child.opts;
    };
}

describe("adopted resources' options", () => {
    before(async () => {
        await pulumi.runtime.setMocks(new RecordingMocks(), "nocobase-entra-mail", "test", false, "organization");
    });

    it("imports the application and retains it, its service principal and an imported grant on delete and replacement", () => {
        const options = build({ adoptApplicationObjectId: ADOPTED, grantAdminConsent: true, adoptAdminConsentGrantId: GRANT_ID });
        assert.equal(options("mail-application").import, `/applications/${ADOPTED}`);
        assert.equal(options("mail-application").retainOnDelete, true);
        assert.equal(options("mail-service-principal").retainOnDelete, true);
        assert.equal(options("mail-admin-consent").import, `/oauth2PermissionGrants/${GRANT_ID}`);
        assert.equal(options("mail-admin-consent").retainOnDelete, true);
        for (const name of ["mail-application", "mail-service-principal", "mail-admin-consent"]) {
            // Delete-before-replace would leave the retained object in place and collide with the new one.
            assert.notEqual(options(name).deleteBeforeReplace, true, `${name} is replaced create-before-delete`);
        }
    });

    it("retains nothing and imports nothing for a registration the stack creates", () => {
        const options = build({ grantAdminConsent: true });
        for (const name of ["mail-application", "mail-service-principal", "mail-admin-consent"]) {
            assert.equal(options(name).import, undefined, `${name} is created`);
            assert.notEqual(options(name).retainOnDelete, true, `${name} is deleted with the stack`);
        }
    });

    it("leaves the application settings NocoBase mail does not manage as they are", () => {
        const personal = build({ adoptApplicationObjectId: ADOPTED })("mail-application").ignoreChanges;
        assert.deepEqual(personal, [...UNMANAGED_APPLICATION_PROPERTIES]);
        for (const managed of ["web", "web.redirectUris", "singlePageApplication", "publicClient", "requiredResourceAccesses", "owners", "signInAudience", "displayName", "api.requestedAccessTokenVersion"]) {
            assert.ok(!personal?.includes(managed), `${managed} is declared, not ignored`);
        }
        for (const kept of ["api.oauth2PermissionScopes", "identifierUris", "appRoles", "optionalClaims"]) {
            assert.ok(personal?.includes(kept), `${kept} is kept`);
        }
        const organisation = build({ adoptApplicationObjectId: ADOPTED, signInAudience: "AzureADMyOrg" })("mail-application").ignoreChanges;
        assert.ok(organisation?.includes("api.requestedAccessTokenVersion"), "an organisation-only app keeps its token version");
    });
});


describe("azuread Application contract for ignored settings", () => {
    // A misspelt path in ignoreChanges would silently ignore nothing; each must name a declared input.
    it("declares every ignored property path as an input of Application (or of its api / web block)", () => {
        const application = fs.readFileSync(require.resolve("@pulumi/azuread/application.d.ts"), "utf8");
        const inputs = fs.readFileSync(require.resolve("@pulumi/azuread/types/input.d.ts"), "utf8");
        const block = (text: string, name: string): string => {
            const start = text.indexOf(`export interface ${name} {`);
            assert.ok(start >= 0, `${name} is declared`);
            return text.slice(start, text.indexOf("\n}", start));
        };
        const declared: Record<string, string> = {
            "": block(application, "ApplicationArgs"), api: block(inputs, "ApplicationApi"), web: block(inputs, "ApplicationWeb"),
        };
        for (const path of [...UNMANAGED_APPLICATION_PROPERTIES, "api.requestedAccessTokenVersion"]) {
            const [parent, field] = path.includes(".") ? path.split(".") : ["", path];
            assert.match(declared[parent], new RegExp(`\\s${field}\\?:`), `${path} is an input`);
        }
    });
});
