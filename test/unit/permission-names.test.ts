/** The one source of Microsoft Graph permission names: the tenant's live names first, else the table. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describePermission, graphPermissionName } from "../../src/microsoft/permission-names";
import { MICROSOFT_GRAPH_APP_ID } from "../../src/registration/graph-identifiers";

const MAIL_READ_ROLE = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";

describe("Microsoft Graph permission names", () => {
    it("names a permission from the table when the tenant's names were not read", () => {
        assert.equal(graphPermissionName("Role", MAIL_READ_ROLE), "Mail.Read");
        assert.equal(describePermission(MICROSOFT_GRAPH_APP_ID, "Role", MAIL_READ_ROLE), "Mail.Read (application) of Microsoft Graph");
    });

    it("prefers the name the tenant's Graph service principal publishes", () => {
        const live = new Map([[`Role/${MAIL_READ_ROLE}`, "Mail.Read.Live"], ["Scope/00000000-0000-4000-8000-00000000000a", "Custom.Scope"]]);
        assert.equal(graphPermissionName("Role", MAIL_READ_ROLE, live), "Mail.Read.Live");
        assert.equal(describePermission(MICROSOFT_GRAPH_APP_ID, "Scope", "00000000-0000-4000-8000-00000000000a", live),
            "Custom.Scope (delegated) of Microsoft Graph");
    });

    it("falls back to the table for an ID the live names lack, and shows an unknown ID as it is", () => {
        assert.equal(graphPermissionName("Role", MAIL_READ_ROLE, new Map()), "Mail.Read");
        assert.equal(graphPermissionName("Scope", "00000000-0000-4000-8000-0000000000ff", new Map()), undefined);
        assert.equal(describePermission("11111111-2222-3333-4444-555555555555", "Scope", "abc"), "delegated abc of application 11111111-2222-3333-4444-555555555555");
    });
});
