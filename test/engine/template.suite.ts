/**
 * `pulumi new` from this repository, as a user starts a project from its URL: the real CLI copies what a
 * clone holds, drops Pulumi.yaml's `template:` section and keeps the configuration schema. `--generate-only`
 * stops before a stack exists; the CLI then asks the Node.js language host for the project's dependencies,
 * a host the Go module proxy refuses here (test/engine/setup.sh), and that is the only failure allowed.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { hermeticEnv } from "./engine-stack";
import { engineToolchain } from "./toolchain";

const ROOT = path.resolve(__dirname, "..", "..");

interface ProjectFile {
    readonly name: string;
    readonly template?: unknown;
    readonly config: Record<string, unknown>;
    readonly main: string;
}

/** What a clone of this commit holds: the tracked files, none of this checkout's node_modules or builds. */
function cloneLike(dir: string): void {
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter((f) => f !== "");
    for (const file of files) {
        if (fs.existsSync(path.join(ROOT, file))) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
        }
    }
}

describe("pulumi new from this repository", () => {
    it("makes a project with the configuration schema and the program, without the template section", async () => {
        const toolchain = await engineToolchain();
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-template-"));
        try {
            const source = path.join(work, "source");
            const target = path.join(work, "new-project");
            cloneLike(source);
            const expected = parse(fs.readFileSync(path.join(source, "Pulumi.yaml"), "utf8")) as ProjectFile;
            assert.ok(expected.template !== undefined, "Pulumi.yaml declares a template section");
            fs.mkdirSync(path.join(work, "state"));
            const run = spawnSync(path.join(toolchain.bin, "pulumi"), ["new", source, "--generate-only", "--yes", "--dir", target], {
                encoding: "utf8", timeout: 120_000,
                env: hermeticEnv({ home: path.join(work, "home"), stateDir: path.join(work, "state"), passphrase: "unused", bins: [toolchain.bin] }),
            });
            if (run.status !== 0) {
                const errors = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
                assert.deepEqual(errors, ["error: failed to load language plugin nodejs: no language plugin 'pulumi-language-nodejs' found in the workspace or on your $PATH"],
                    `only the refused Node.js host may fail:\n${run.stdout}${run.stderr}`);
            }
            const made = parse(fs.readFileSync(path.join(target, "Pulumi.yaml"), "utf8")) as ProjectFile;
            assert.equal(made.name, "nocobase-entra-mail", "the name the configuration namespace depends on");
            assert.equal(made.template, undefined, "pulumi new removes the template section");
            assert.equal(made.main, expected.main);
            for (const key of Object.keys(expected.config)) {
                assert.deepEqual(made.config[key], expected.config[key], `config ${key}`);
            }
            for (const file of [expected.main, "src/program.ts", "package.json", "package-lock.json", "stacks/Pulumi.dev.yaml", "bin/pulumi-resource-nocobase-entra-mail"]) {
                assert.ok(fs.existsSync(path.join(target, file)), `${file} is in the new project`);
            }
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });
});
