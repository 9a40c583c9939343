// The package as Pulumi loads it: the provider plugin is an executable (bin/), the program host runs
// Pulumi.yaml's `main`, the schema analyser starts from `exports`, importers load `main`.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import { parse } from "yaml";
import { RecordingMocks } from "../../src/operations/plan/recording-mocks";
import { PACKAGE_ROOT } from "./component-provider";

interface PackageJson {
    readonly name: string;
    readonly license: string;
    readonly main: string;
    readonly types: string;
    readonly exports: Record<string, { types: string; default: string }>;
    readonly bin: Record<string, string>;
}

const packageJson = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as PackageJson;

describe("package layout", () => {
    it("ships its provider plugin as an executable named for the package, beside the program", () => {
        // A PulumiPlugin.yaml would make Pulumi host the directory as a component-only plugin, without the Variables resource.
        assert.equal(fs.existsSync(path.join(PACKAGE_ROOT, "PulumiPlugin.yaml")), false);
        const plugin = fs.statSync(path.join(PACKAGE_ROOT, "bin", `pulumi-resource-${packageJson.name}`));
        assert.ok((plugin.mode & 0o111) !== 0, "the plugin is executable");
        const project = parse(fs.readFileSync(path.join(PACKAGE_ROOT, "Pulumi.yaml"), "utf8")) as { name: string; main: string };
        assert.equal(project.name, packageJson.name, "the plugin's name (package.json) is the configuration namespace");
        assert.equal(project.main, "index.ts", "`pulumi up` runs the program, not the library entry");
    });

    it("points main at the library source and exports at its compiled form", () => {
        // The plugin host requires the directory (main); importers resolve the name (exports), compiled by
        // tsconfig.build.json from src/ to dist/.
        assert.equal(packageJson.main, "src/library.ts");
        const compiled = (file: string) => `./${file.replace(/^src\//, "dist/").replace(/\.ts$/, ".js")}`;
        assert.deepEqual(packageJson.exports["."], { types: compiled(packageJson.main).replace(/\.js$/, ".d.ts"), default: compiled(packageJson.main) });
        assert.equal(`./${packageJson.types}`, packageJson.exports["."].types);
        // The tool, compiled; and the provider plugin, so that an installed package's .bin holds it for PATH.
        assert.deepEqual(packageJson.bin, {
            "nocobase-entra-mail": compiled("src/cli.ts").slice(2),
            [`pulumi-resource-${packageJson.name}`]: `bin/pulumi-resource-${packageJson.name}`,
        });
    });

    it("exports exactly the NocobaseMail component when required, and declares nothing", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, "consumer", "dev", false);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const entry = require(PACKAGE_ROOT) as Record<string, unknown>;
        assert.deepEqual(getPulumiComponents(entry).map((c) => c.name), ["NocobaseMail"]);
        assert.deepEqual(mocks.registrations, []);
    });

    it("ships the Apache-2.0 text package.json names", () => {
        assert.equal(packageJson.license, "Apache-2.0");
        const license = fs.readFileSync(path.join(PACKAGE_ROOT, "LICENSE"), "utf8");
        assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004/);
        assert.match(license, /END OF TERMS AND CONDITIONS\s*$/);
    });
});
