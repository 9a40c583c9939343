// The user documentation (README.md and docs/*.md) held to the code: the commands, keys, links and tables it
// names exist, so a renamed script, key or heading fails here instead of misleading a reader.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { API_TOKEN_KEY, CONFIG_KEYS, CONFIG_NAMESPACE, DEFAULTS } from "../../src/configuration/config-keys";
import { NOCOBASE_MAIL_TOKEN, PACKAGE_ROOT, packageSchema } from "./component-provider";

const README = "README.md";
const MAX_README_LINES = 220;

/** Every user-facing Markdown file: the README and the pages under docs/, relative to the package root. */
function documents(): string[] {
    const pages = fs.readdirSync(path.join(PACKAGE_ROOT, "docs")).filter((f) => f.endsWith(".md")).sort();
    return [README, ...pages.map((f) => path.join("docs", f))];
}

function read(file: string): string {
    return fs.readFileSync(path.join(PACKAGE_ROOT, file), "utf8");
}

interface PulumiConfigEntry {
    readonly type: string;
    readonly items?: { readonly type: string };
    readonly default?: unknown;
}

function pulumiConfig(): Record<string, PulumiConfigEntry> {
    const project = parseYaml(read("Pulumi.yaml")) as { config: Record<string, PulumiConfigEntry> };
    return project.config;
}

/** The rows of the first Markdown table after `## <heading>` in the README, as cells without the pipes. */
function readmeTable(heading: string): string[][] {
    const lines = read(README).split("\n");
    const start = lines.indexOf(`## ${heading}`);
    assert.notEqual(start, -1, `README has a "## ${heading}" section`);
    const rows: string[][] = [];
    for (const line of lines.slice(start + 1)) {
        if (line.startsWith("## ")) break;
        if (line.startsWith("|")) {
            rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
        } else if (rows.length > 0) {
            break;
        }
    }
    assert.ok(rows.length > 2, `README's "${heading}" section has a table`);
    // Drop the header and the |---| line.
    return rows.slice(2);
}

/** The backticked names in a table's first cell, e.g. "`clientId`, `tenantId`". */
function namesIn(cell: string): string[] {
    return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    let inCode = false;
    for (const line of markdown.split("\n")) {
        if (line.startsWith("```")) inCode = !inCode;
        const heading = !inCode && /^#{1,6} (.*)$/.exec(line);
        if (heading) {
            const base = slug(heading[1]);
            const count = seen.get(base) ?? 0;
            seen.set(base, count + 1);
            anchors.add(count === 0 ? base : `${base}-${count}`);
        }
    }
    return anchors;
}

/** Markdown links outside code spans and blocks: [text](target). */
function linksOf(markdown: string): string[] {
    const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

describe("documentation", () => {
    it("keeps the README short enough to read first", () => {
        const lines = read(README).split("\n").length;
        assert.ok(lines <= MAX_README_LINES, `README.md has ${lines} lines, more than ${MAX_README_LINES}: move detail to docs/`);
    });

    it("names only npm scripts that package.json defines", () => {
        const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
        let named = 0;
        for (const file of documents()) {
            for (const m of read(file).matchAll(/npm run (?:--silent |-s )?([A-Za-z][\w:.-]*)/g)) {
                named++;
                assert.ok(scripts.includes(m[1]), `${file} names "npm run ${m[1]}", which package.json does not define`);
            }
        }
        assert.ok(named > 10, "the documentation names the commands");
    });

    it(`names only ${CONFIG_NAMESPACE} keys that Pulumi.yaml declares (or the secret ${API_TOKEN_KEY})`, () => {
        const declared = [...Object.keys(pulumiConfig()), API_TOKEN_KEY];
        let named = 0;
        for (const file of documents()) {
            // A key is followed by a value, a path or the end of the word, never by ":" (a type token).
            for (const m of read(file).matchAll(new RegExp(`${CONFIG_NAMESPACE}:([A-Za-z]\\w*)(?![\\w:])`, "g"))) {
                named++;
                assert.ok(declared.includes(m[1]), `${file} names ${CONFIG_NAMESPACE}:${m[1]}, which Pulumi.yaml does not declare`);
            }
        }
        assert.ok(named > 10, "the documentation names configuration keys");
    });

    it("links only to files and headings that exist", () => {
        let checked = 0;
        for (const file of documents()) {
            for (const link of linksOf(read(file))) {
                if (/^[a-z]+:/i.test(link)) continue;
                const [target, anchor] = link.split("#", 2);
                const resolved = target === "" ? file : path.normalize(path.join(path.dirname(file), target));
                assert.ok(fs.existsSync(path.join(PACKAGE_ROOT, resolved)), `${file} links to ${link}: ${resolved} does not exist`);
                if (anchor !== undefined && anchor !== "") {
                    assert.ok(resolved.endsWith(".md"), `${file} links to an anchor in ${resolved}, which is not Markdown`);
                    assert.ok(anchorsOf(read(resolved)).has(anchor), `${file} links to ${link}: ${resolved} has no heading "#${anchor}"`);
                }
                checked++;
            }
        }
        assert.ok(checked > 20, "the documentation links its pages");
    });

    it("reaches every page under docs/ from the README's table of contents", () => {
        const index = read(path.join("docs", "README.md"));
        for (const page of documents().filter((f) => f.startsWith("docs") && !f.endsWith("README.md"))) {
            assert.ok(linksOf(index).some((l) => l.split("#")[0] === path.basename(page)), `docs/README.md links to ${page}`);
        }
        assert.ok(linksOf(read(README)).includes("docs/README.md"), "README.md links to docs/README.md");
    });

    it("lists every configuration key with Pulumi.yaml's type and the default settings.ts applies", () => {
        const config = pulumiConfig();
        const rows = new Map(readmeTable("Configuration").map((row) => [namesIn(row[0])[0], row]));
        assert.deepEqual([...rows.keys()].sort(), [...Object.keys(config), API_TOKEN_KEY].sort(),
            "the table has one row per key Pulumi.yaml declares, plus the secret API key");
        assert.deepEqual([...CONFIG_KEYS].sort(), Object.keys(config).sort(), "settings.ts reads the keys Pulumi.yaml declares");
        const defaults: Readonly<Record<string, unknown>> = DEFAULTS;
        for (const [key, entry] of Object.entries(config)) {
            const [, type, shown] = rows.get(key) ?? [];
            const expectedType = entry.type === "array" ? `list of ${String(entry.items?.type)}` : entry.type;
            assert.equal(type, expectedType, `${key}: type`);
            if (key in defaults) {
                const value = defaults[key];
                assert.equal(shown, `\`${Array.isArray(value) ? JSON.stringify(value) : String(value)}\``, `${key}: default`);
            } else if (entry.default === undefined) {
                assert.equal(shown, "required", `${key}: Pulumi.yaml declares no default`);
            } else {
                // "" in Pulumi.yaml means "not set": nothing, or a value derived from other keys.
                assert.equal(entry.default, "", `${key}: a default Pulumi.yaml declares but settings.ts does not apply`);
                assert.ok(shown === "none" || /^`[^`]*<[^`]+>[^`]*`$/.test(shown ?? ""), `${key}: "${shown}" is "none" or a derived value`);
            }
        }
        assert.equal(rows.get(API_TOKEN_KEY)?.[1], "secret string", `${API_TOKEN_KEY} is shown as a secret`);
    });

    it("lists exactly the outputs the component exports", async () => {
        const schema = await packageSchema();
        const outputs = Object.keys(schema.resources[NOCOBASE_MAIL_TOKEN].properties).sort();
        const listed = readmeTable("Outputs").flatMap((row) => namesIn(row[0])).sort();
        assert.deepEqual(listed, outputs);
        assert.ok(listed.includes("nocobaseSubApp"));
    });

    it("lists the outputs the project's program exports", () => {
        const exported = [...read("src/program.ts").matchAll(/^export const (\w+)/gm)].map((m) => m[1]).sort();
        const listed = readmeTable("Outputs").flatMap((row) => namesIn(row[0])).sort();
        assert.deepEqual(listed, exported);
    });
});
