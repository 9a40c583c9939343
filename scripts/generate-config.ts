/**
 * Writes what follows from the key table (src/configuration/config-keys.ts): Pulumi.yaml's `config:` block,
 * the component's `NocobaseMailArgs` (src/nocobase-mail/nocobase-mail-args.ts) and the tables of keys in
 * README.md and docs/component.md. `npm run generate:config` runs it; test/component/generated-config.test.ts
 * fails while a file differs from what it would write.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { CONFIG_KEY_TABLE, componentKeys, KeyDefinition, KeyTable, stackKeys } from "../src/configuration/config-keys";

const ROOT = path.join(__dirname, "..");

/** A generated file, or the generated part of a file between two marker lines. */
export interface GeneratedPart {
    readonly file: string;
    /** The file's text with the generated part as the table gives it. */
    render(current: string, table: KeyTable): string;
}

/** Pulumi's schema type of a key. */
function pulumiType(definition: KeyDefinition): Record<string, unknown> {
    return definition.type === "string[]" ? { type: "array", items: { type: "string" } } : { type: definition.type };
}

/** The `config:` block: every stack key but the secret one (a declared key without a default would be required). */
export function pulumiYamlConfig(table: KeyTable): string {
    const config = Object.fromEntries(stackKeys(table).filter((key) => table[key].secret !== true).map((key) => {
        const definition = table[key];
        return [key, { ...pulumiType(definition), description: definition.description,
            ...(definition.default === undefined ? {} : { default: definition.default }) }];
    }));
    return stringify({ config }, { lineWidth: 0 });
}

/** Replaces the text between the line `begin` and the line `end` (both kept). */
function between(current: string, file: string, begin: string, end: string, text: string): string {
    const start = current.indexOf(`${begin}\n`);
    const stop = current.indexOf(`${end}\n`, start);
    if (start < 0 || stop < 0) {
        throw new Error(`${file} has lost its marker lines "${begin}" and "${end}"; restore them around the generated part`);
    }
    return `${current.slice(0, start + begin.length + 1)}${text}${current.slice(stop)}`;
}

/** How tables show a key's default. */
function shownDefault(definition: KeyDefinition): string {
    if (definition.default === undefined) {
        return definition.secret === true ? "none" : "required";
    }
    if (definition.derivedDefault !== undefined) {
        return `\`${definition.derivedDefault}\``;
    }
    if (definition.default === "") {
        return "none";
    }
    return `\`${Array.isArray(definition.default) ? JSON.stringify(definition.default) : String(definition.default)}\``;
}

function shownType(definition: KeyDefinition): string {
    const type = definition.type === "string[]" ? "list of string" : definition.type;
    return definition.secret === true ? `secret ${type}` : type;
}

/** A table cell: pipes escaped, `<placeholders>` and `{{...}}` shown as code. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

export function readmeTable(table: KeyTable): string {
    const rows = stackKeys(table).map((key) => {
        const d = table[key];
        return `| \`${key}\` | ${shownType(d)} | ${shownDefault(d)} | ${cell(d.description)} |`;
    });
    return ["| key | type | default | meaning |", "|---|---|---|---|", ...rows, ""].join("\n");
}

export function componentTable(table: KeyTable): string {
    const rows = componentKeys(table).map((key) => {
        const d = table[key];
        const kind = d.plainBecause === undefined ? "`Input`" : `plain: ${cell(d.plainBecause)}`;
        return `| \`${key}\` | ${shownType(d)} | ${kind} | ${shownDefault(d)} | ${cell(d.description)} |`;
    });
    return ["| input | type | output of another resource? | default | meaning |", "|---|---|---|---|---|", ...rows, ""].join("\n");
}

/** The TypeScript type of an input: plain where the value decides resources, an Input otherwise. */
function inputType(definition: KeyDefinition): string {
    const plain = definition.plainBecause !== undefined;
    const element = definition.type === "integer" ? "number" : definition.type === "string[]" ? "string" : definition.type;
    if (definition.type === "string[]") {
        return plain ? "string[]" : "pulumi.Input<pulumi.Input<string>[]>";
    }
    return plain ? element : `pulumi.Input<${element}>`;
}

/** An input's one line of JSDoc, which the schema and every generated SDK repeat. */
export function inputDescription(definition: KeyDefinition): string {
    const shown = shownDefault(definition);
    const defaultText = shown === "required" ? "Required." : `Default: ${shown.replace(/`/g, "")}.`;
    const plain = definition.plainBecause === undefined ? "" : ` A plain value, known when the program starts: ${definition.plainBecause}.`;
    return `${definition.description} ${defaultText}${plain}`;
}

export function argsInterface(table: KeyTable): string {
    const fields = componentKeys(table).map((key) => {
        const d = table[key];
        return `    /** ${inputDescription(d).replace(/\*\//g, "* /")} */\n    readonly ${key}${d.default === undefined ? "" : "?"}: ${inputType(d)};`;
    });
    return [
        "// Generated from src/configuration/config-keys.ts by `npm run generate:config`: change the table, not this file.",
        "import type * as pulumi from \"@pulumi/pulumi\";",
        "",
        "/**",
        " * NocobaseMail's inputs: the configuration keys under the same names, defaults and rules. Plain values where",
        " * they decide which resources exist or which secret is replaced; an output of another resource elsewhere.",
        " */",
        "export interface NocobaseMailArgs {",
        ...fields,
        "}",
        "",
    ].join("\n");
}

const README_BEGIN = "<!-- configuration table: generated by npm run generate:config from src/configuration/config-keys.ts -->";
const TABLE_END = "<!-- end of generated table -->";
const COMPONENT_BEGIN = "<!-- input table: generated by npm run generate:config from src/configuration/config-keys.ts -->";
const YAML_BEGIN = "# config: generated by npm run generate:config from src/configuration/config-keys.ts; change the table, not this block.";
const YAML_END = "# end of the generated config block";

export const GENERATED_PARTS: readonly GeneratedPart[] = [
    { file: "Pulumi.yaml", render: (current, table) => between(current, "Pulumi.yaml", YAML_BEGIN, YAML_END, pulumiYamlConfig(table)) },
    { file: "src/nocobase-mail/nocobase-mail-args.ts", render: (_current, table) => argsInterface(table) },
    { file: "README.md", render: (current, table) => between(current, "README.md", README_BEGIN, TABLE_END, readmeTable(table)) },
    { file: "docs/component.md", render: (current, table) => between(current, "docs/component.md", COMPONENT_BEGIN, TABLE_END, componentTable(table)) },
];

/** Each generated file's path and its text as the key table gives it. */
export function renderAll(table: KeyTable = CONFIG_KEY_TABLE, root = ROOT): { file: string; current: string; expected: string }[] {
    return GENERATED_PARTS.map((part) => {
        const file = path.join(root, part.file);
        const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        return { file: part.file, current, expected: part.render(current, table) };
    });
}

if (require.main === module) {
    for (const { file, current, expected } of renderAll()) {
        if (current !== expected) {
            fs.writeFileSync(path.join(ROOT, file), expected);
            process.stdout.write(`wrote ${file}\n`);
        }
    }
}
