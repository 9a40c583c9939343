// The examples in examples/: the TypeScript program type-checked and run under mocks in a project laid out
// as `npm install` lays it out for a `file:` dependency (a symlink to the built package), the YAML program
// held to the schema.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { noteOptionsOnRegistration, waitForRegistrations } from "../../src/operations/plan/sdk-fence/sdk-internals";
import { RecordingMocks } from "../../src/operations/plan/recording-mocks";
import { parseStackOutputs, REQUIRED_OUTPUTS } from "../../src/operations/stack-outputs";
import { constructThroughProvider, NOCOBASE_MAIL_TOKEN, PACKAGE_ROOT, packageSchema, SchemaProperty } from "./component-provider";
import { buildPackage } from "./package-build";
import { VARIABLES_TYPE } from "../../src/nocobase/variables";

const EXAMPLES = path.join(PACKAGE_ROOT, "examples");
const NOW = new Date("2026-11-23T12:00:00Z");

describe("TypeScript example", () => {
    let project: string;
    let built: string;

    before(() => {
        built = buildPackage();
        project = fs.mkdtempSync(path.join(os.tmpdir(), "nocobase-mail-example-"));
        for (const file of fs.readdirSync(path.join(EXAMPLES, "typescript"))) {
            fs.copyFileSync(path.join(EXAMPLES, "typescript", file), path.join(project, file));
        }
        const modules = path.join(project, "node_modules");
        fs.mkdirSync(modules);
        fs.symlinkSync(built, path.join(modules, "nocobase-entra-mail"));
        for (const scope of ["@pulumi", "@types"]) {
            fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules", scope), path.join(modules, scope));
        }
    });

    after(() => {
        fs.rmSync(project, { recursive: true, force: true });
        fs.rmSync(built, { recursive: true, force: true });
    });

    it("type-checks against the package as its dependency", () => {
        const tsc = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
        const result = spawnSync(process.execPath, [tsc, "-p", path.join(project, "tsconfig.json")], { encoding: "utf8", timeout: 120_000 });
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });

    it("declares NocoBase mail with the hand-over and exports the secret as a secret", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, "nocobase-with-mail", "dev", false, "organization");
        noteOptionsOnRegistration(mocks);
        // The example loads the built package: its own copy of the clock is the one to inject into.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const clock = require(path.join(built, "dist", "nocobase-mail", "rotation-clock")) as typeof import("../../src/nocobase-mail/rotation-clock");
        clock.setRotationInstant(NOW);
        let exports: Record<string, unknown>;
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            exports = require(path.join(project, "index.ts")) as Record<string, unknown>;
        } finally {
            clock.setRotationInstant(undefined);
        }
        const secret = pulumi.output(exports.clientSecret) as pulumi.Output<string>;
        assert.equal(await pulumi.isSecret(secret), true);
        assert.equal(await pulumi.isSecret(pulumi.output(exports.clientId)), false);
        // The doctor and push-to-nocobase read the stack's outputs by these names.
        const resolved = Object.fromEntries(await Promise.all(Object.entries(exports).map(async ([name, value]) =>
            [name, await new Promise((resolve) => (pulumi.output(value) as pulumi.Output<unknown>).apply(resolve))] as const)));
        const outputs = parseStackOutputs(JSON.stringify(resolved), "examples/typescript");
        assert.equal(outputs.nocobaseApiUrl, "https://nocobase.internal.example.com/api");
        assert.equal(outputs.nextRotationAt, "2027-01-02T00:00:00Z", "the schedule follows the injected instant");
        await waitForRegistrations();
        assert.deepEqual(mocks.registrations.map((r) => `${r.type} ${r.name}`).sort(), [
            "azuread:index/application:Application nocobase-mail-application",
            "azuread:index/applicationPassword:ApplicationPassword nocobase-mail-client-secret-a",
            "azuread:index/servicePrincipal:ServicePrincipal nocobase-mail-service-principal",
            "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant nocobase-mail-admin-consent",
            "nocobase-entra-mail:entra:MailAppRegistration nocobase-mail",
            `${NOCOBASE_MAIL_TOKEN} nocobase-mail`,
            `${VARIABLES_TYPE} nocobase-mail-variables`,
            "pulumi:pulumi:StackReference nocobase-mail-last-outputs",
        ]);
        const app = mocks.registrations.find((r) => r.type === "azuread:index/application:Application");
        assert.deepEqual(app?.inputs.web, { redirectUris: ["https://crm.example.com/admin/settings/mail/oauth2"] });
        const handover = mocks.registrations.find((r) => r.type === VARIABLES_TYPE);
        assert.equal(handover?.inputs.apiUrl, "https://nocobase.internal.example.com/api");
    });
});

interface YamlProgram {
    readonly config?: Record<string, { default?: unknown }>;
    readonly variables?: Record<string, unknown>;
    readonly resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
    readonly outputs?: Record<string, string>;
    readonly plugins?: { readonly providers?: readonly { readonly name: string; readonly path: string }[] };
}

function compatible(property: SchemaProperty, value: unknown): boolean {
    switch (property.type) {
        case "string": return typeof value === "string";
        case "number": return typeof value === "number";
        case "boolean": return typeof value === "boolean";
        case "array": return Array.isArray(value) && value.every((item) => property.items !== undefined && compatible(property.items, item));
        default: return false;
    }
}

/** `${name}` of a config default or variable, as Pulumi YAML substitutes it. */
function substitute(program: YamlProgram, value: unknown): unknown {
    if (typeof value !== "string") {
        return Array.isArray(value) ? value.map((item) => substitute(program, item)) : value;
    }
    return value.replace(/\$\{([^}.]+)\}/g, (_match, name: string) =>
        String(substitute(program, program.variables?.[name] ?? program.config?.[name]?.default)));
}

describe("YAML example", () => {
    const program = parse(fs.readFileSync(path.join(EXAMPLES, "yaml", "Pulumi.yaml"), "utf8")) as YamlProgram;
    const components = Object.entries(program.resources).filter(([, r]) => r.type === NOCOBASE_MAIL_TOKEN);

    it("uses the component by its type token", () => {
        assert.equal(components.length, 1);
    });

    it("sets only properties the schema declares, with compatible types, and every required one", async () => {
        const resource = (await packageSchema()).resources[NOCOBASE_MAIL_TOKEN];
        const [, component] = components[0];
        const properties = component.properties ?? {};
        for (const [name, value] of Object.entries(properties)) {
            const declared = resource.inputProperties[name];
            assert.ok(declared !== undefined, `${name} is an input of the schema`);
            assert.ok(compatible(declared, value), `${name}: ${JSON.stringify(value)} fits ${JSON.stringify(declared.type)}`);
        }
        for (const name of resource.requiredInputs ?? []) {
            assert.ok(name in properties, `required ${name} is set`);
        }
    });

    it("reads only outputs the schema declares", async () => {
        const resource = (await packageSchema()).resources[NOCOBASE_MAIL_TOKEN];
        const [name] = components[0];
        for (const expression of Object.values(program.outputs ?? {})) {
            const match = new RegExp(`^\\$\\{${name}\\.([A-Za-z]+)\\}$`).exec(expression);
            assert.ok(match !== null, `${expression} reads the component`);
            assert.ok(match[1] in resource.properties, `${match[1]} is an output of the schema`);
        }
    });

    it("exports every output the doctor and push-to-nocobase read, under their names", () => {
        const [name] = components[0];
        for (const output of [...REQUIRED_OUTPUTS, "secretRotation"]) {
            assert.equal(program.outputs?.[output], `\${${name}.${output}}`, `output ${output}`);
        }
    });

    it("hands over through the package's provider plugin, which its plugins section finds in the clone", () => {
        assert.equal(components[0][1].properties?.handOverToNocobase, true);
        const plugin = program.plugins?.providers?.find((p) => p.name === "nocobase-entra-mail");
        assert.ok(plugin !== undefined, "plugins.providers names nocobase-entra-mail");
        const executable = path.join(EXAMPLES, "yaml", plugin.path, "pulumi-resource-nocobase-entra-mail");
        fs.accessSync(executable, fs.constants.X_OK);
    });

    it("gives settings the component accepts", async () => {
        const [, component] = components[0];
        const inputs = Object.fromEntries(Object.entries(component.properties ?? {}).map(([k, v]) => [k, substitute(program, v)]));
        const run = await constructThroughProvider(inputs, { stack: "dev", now: NOW });
        assert.deepEqual(run.outputs.redirectUris, [
            "https://crm.example.com/apps/sales/admin/settings/mail/oauth2",
            "https://nocobase.internal.example.com/apps/sales/admin/settings/mail/oauth2",
        ]);
    });
});
