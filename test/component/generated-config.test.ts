// What follows from the key table is generated from it: Pulumi.yaml's config block, the component's
// NocobaseMailArgs, the README's and docs/component.md's tables. A key added to the table reaches each of them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { argsInterface, componentTable, pulumiYamlConfig, readmeTable, renderAll } from "../../scripts/generate-config";
import { CONFIG_KEY_TABLE, KeyTable } from "../../src/configuration/config-keys";
import { validateSettings } from "../../src/configuration/settings";

/** The table with one more key, as a change that adds a setting makes it. */
const WITH_NEW_KEY: KeyTable = {
    ...CONFIG_KEY_TABLE,
    mailFolder: { type: "string", default: "Inbox", description: "Folder NocoBase reads first." },
    pollMinutes: { type: "integer", default: 5, minimum: 1, description: "Minutes between polls.", plainBecause: "it decides a schedule" },
};

describe("files generated from the key table", () => {
    for (const { file, current, expected } of renderAll()) {
        it(`${file} is as the table gives it`, () => {
            assert.ok(current === expected, `${file} differs from src/configuration/config-keys.ts: run npm run generate:config`);
        });
    }

    it("declares in Pulumi.yaml each key with its type and default, and not the secret API key", () => {
        const config = (parse(pulumiYamlConfig(WITH_NEW_KEY)) as { config: Record<string, { type: string; default?: unknown; items?: unknown }> }).config;
        assert.deepEqual(config.mailFolder, { type: "string", description: "Folder NocoBase reads first.", default: "Inbox" });
        assert.deepEqual(config.pollMinutes, { type: "integer", description: "Minutes between polls.", default: 5 });
        assert.deepEqual(config.owners.items, { type: "string" });
        assert.equal(config.nocobaseUrl.default, undefined, "required: no default");
        assert.ok(!("nocobaseApiToken" in config), "a declared secret without a default would be required");
        assert.ok(!("handOverToNocobase" in config), "a component-only input is no stack key");
    });

    it("gives a new key an input of the component, an Input unless its value decides the resources", () => {
        const args = argsInterface(WITH_NEW_KEY);
        assert.match(args, /\/\*\* Folder NocoBase reads first\. Default: Inbox\. \*\/\n {4}readonly mailFolder\?: pulumi\.Input<string>;/);
        assert.match(args, /Minutes between polls\. Default: 5\. A plain value, known when the program starts: it decides a schedule\. \*\/\n {4}readonly pollMinutes\?: number;/);
        assert.match(args, /readonly nocobaseUrl: pulumi\.Input<string>;/);
        assert.match(args, /readonly owners\?: pulumi\.Input<pulumi\.Input<string>\[\]>;/);
        assert.doesNotMatch(args, /readonly nocobaseApiToken/, "the API key is never an input");
    });

    it("gives a new key a row in the README's and the component's tables", () => {
        assert.match(readmeTable(WITH_NEW_KEY), /^\| `mailFolder` \| string \| `Inbox` \| Folder NocoBase reads first\. \|$/m);
        assert.match(readmeTable(WITH_NEW_KEY), /^\| `nocobaseApiToken` \| secret string \| none \|/m);
        assert.match(componentTable(WITH_NEW_KEY), /^\| `pollMinutes` \| integer \| plain: it decides a schedule \| `5` \|/m);
        assert.match(componentTable(WITH_NEW_KEY), /^\| `displayName` \| string \| `Input` \| `NocoBase Email \(<stack>\)` \|/m);
    });

    it("checks a key without a rule of its own by its type, with a fix validation accepts", () => {
        const refused = validateSettings({ stack: "dev", nocobaseApiTokenSet: false, nocobaseUrl: "https://crm.example.com", secretLifetimeCapDays: "P90D" });
        assert.ok(!refused.ok);
        assert.deepEqual(refused.problems.map((p) => [p.key, p.fix]), [["secretLifetimeCapDays", "pulumi config rm --stack dev nocobase-entra-mail:secretLifetimeCapDays"]]);
        const accepted = validateSettings({ stack: "dev", nocobaseApiTokenSet: false, nocobaseUrl: "https://crm.example.com" });
        assert.ok(accepted.ok);
        assert.equal(accepted.settings.values.secretLifetimeCapDays, 0);
        assert.equal(accepted.settings.values.nocobaseClientIdVariable, "MICROSOFT_EMAIL_CLIENT_ID");
    });
});
