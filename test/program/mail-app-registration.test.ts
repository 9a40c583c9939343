// The component on its own: resource options of its children (parent, replacement order, import), and
// the azuread SDK's own statement that the secret's rotating inputs force a replacement.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MailAppRegistration } from "../../src/components/mail-app-registration";
import { RecordingMocks } from "../../src/offline/recording-mocks";

interface ChildOptions {
    readonly type: string;
    readonly name: string;
    /** Children of this component are custom resources. */
    readonly opts: pulumi.CustomResourceOptions;
}

function build(extra: { adoptApplicationObjectId?: string; grantAdminConsent?: boolean } = {}) {
    const children: ChildOptions[] = [];
    const component = new MailAppRegistration("mail", {
        displayName: "NocoBase Email (test)",
        redirectUris: ["https://crm.example.com/admin/settings/mail/oauth2"],
        rotation: { rotationDays: 90, lifetimeDays: 180, generation: 1 },
        now: new Date("2026-11-23T00:00:00Z"),
        secretLabel: "test",
        ...extra,
    }, {
        // Component transformations see every child's options as the component passed them.
        transformations: [(args) => {
            // The component's own options pass through its transformations too.
            if (args.type !== "nocobase-entra-mail:entra:MailAppRegistration") {
                children.push({ type: args.type, name: args.name, opts: args.opts });
            }
            return undefined;
        }],
    });
    return { component, children };
}

describe("MailAppRegistration children", () => {
    before(async () => {
        await pulumi.runtime.setMocks(new RecordingMocks(), "nocobase-entra-mail", "test", false);
    });

    it("names every child after the component and parents it to the component", () => {
        const { component, children } = build({ grantAdminConsent: true });
        assert.deepEqual(children.map((c) => c.name).sort(), [
            "mail-admin-consent", "mail-application", "mail-client-secret", "mail-service-principal",
        ]);
        for (const child of children) {
            assert.equal(child.opts.parent, component, `${child.name} is parented to the component`);
        }
    });

    it("replaces the secret create-before-delete, so NocoBase is updated before the old secret goes", () => {
        const { children } = build();
        const secret = children.find((c) => c.name === "mail-client-secret");
        assert.ok(secret !== undefined);
        assert.notEqual(secret.opts.deleteBeforeReplace, true);
        assert.equal(secret.opts.replaceOnChanges, undefined);
    });

    it("imports only the application when adopting", () => {
        const { children } = build({ adoptApplicationObjectId: "9a8b7c6d-1111-4222-8333-444455556666" });
        const imported = children.filter((c) => c.opts.import !== undefined);
        assert.deepEqual(imported.map((c): [string, pulumi.Input<string> | undefined] => [c.name, c.opts.import]), [["mail-application", "/applications/9a8b7c6d-1111-4222-8333-444455556666"]]);
    });
});

describe("azuread ApplicationPassword contract", () => {
    // The rotation scheme relies on these inputs forcing a new secret; the SDK documents it per field.
    it("documents endDate, displayName and rotateWhenChanged as forcing a new resource", () => {
        const declarations = fs.readFileSync(require.resolve("@pulumi/azuread/applicationPassword.d.ts"), "utf8");
        const argsBlock = declarations.slice(declarations.indexOf("export interface ApplicationPasswordArgs"));
        for (const field of ["displayName", "endDate", "rotateWhenChanged"]) {
            const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${field}\\?:`).exec(argsBlock);
            assert.ok(doc !== null, `${field} is declared in ApplicationPasswordArgs`);
            assert.match(doc[1], /Changing this (field )?forces a new resource to be created/, `${field} forces replacement`);
        }
    });
});
