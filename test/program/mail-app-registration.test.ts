// The component on its own: resource options of its children (parent, replacement order, aliases, import),
// and the azuread SDK's own statement that the secret's rotating inputs force a replacement.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MailAppRegistration } from "../../src/registration/mail-app-registration";
import { RecordingMocks } from "../../src/operations/plan/recording-mocks";
import { RotationRecord } from "../../src/registration/secret-rotation";

interface ChildOptions {
    readonly type: string;
    readonly name: string;
    /** Children of this component are custom resources. */
    readonly opts: pulumi.CustomResourceOptions;
}

function build(extra: { adoptApplicationObjectId?: string; grantAdminConsent?: boolean; previousRotation?: RotationRecord } = {}) {
    const children: ChildOptions[] = [];
    const component = new MailAppRegistration("mail", {
        displayName: "NocoBase Email (test)",
        redirectUris: ["https://crm.example.com/admin/settings/mail/oauth2"],
        rotation: { rotationDays: 60, lifetimeDays: 180, generation: 1 },
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
            "mail-admin-consent", "mail-application", "mail-client-secret-a", "mail-service-principal",
        ]);
        for (const child of children) {
            assert.equal(child.opts.parent, component, `${child.name} is parented to the component`);
        }
    });

    it("makes slot a first, create-before-delete, under the old single secret's name as alias", () => {
        const { children } = build();
        const secret = children.find((c) => c.name === "mail-client-secret-a");
        assert.ok(secret !== undefined);
        assert.notEqual(secret.opts.deleteBeforeReplace, true);
        assert.deepEqual(secret.opts.aliases, [{ name: "mail-client-secret" }]);
        assert.equal(secret.opts.ignoreChanges, undefined);
        assert.ok(!children.some((c) => c.name === "mail-client-secret-b"), "slot b waits for the first rotation");
    });

    it("replaces the slot NocoBase does not hold delete-before-replace and leaves the held one alone", () => {
        const held = { kind: "window" as const, keyId: "k-a", windowStart: "2026-09-04T00:00:00Z", generation: 1, expiresAt: "2027-03-03T00:00:00Z" };
        const { component, children } = build({ previousRotation: { nocobaseSlot: "a", slots: { a: held } } });
        const a = children.find((c) => c.name === "mail-client-secret-a");
        const b = children.find((c) => c.name === "mail-client-secret-b");
        assert.equal(b?.opts.deleteBeforeReplace, true);
        assert.notEqual(a?.opts.deleteBeforeReplace, true);
        assert.equal(component.rotationPlan.nocobaseSlot, "b");
        assert.deepEqual(component.rotationPlan.rotation, { slot: "b", reason: "new window", deleteBeforeReplace: true });
    });

    it("keeps an inherited single secret exactly as its state holds it", () => {
        const { children } = build({ previousRotation: { nocobaseSlot: "a", slots: { a: { kind: "inherited", keyId: "k", expiresAt: "2027-03-03T00:00:00Z" } } } });
        const a = children.find((c) => c.name === "mail-client-secret-a");
        assert.deepEqual(a?.opts.ignoreChanges, ["displayName", "endDate", "rotateWhenChanged"]);
        assert.notEqual(a?.opts.deleteBeforeReplace, true);
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
