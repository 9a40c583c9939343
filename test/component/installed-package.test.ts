// The package as a user installs it: `npm pack`, installed from the tarball into an empty project (the npm
// registry supplies its dependencies, through the npm cache), its `bin` run from there with no clone around.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { PACKAGE_ROOT } from "./component-provider";
import { buildPackage, packPackage } from "./package-build";

describe("installed package", () => {
    let built: string;
    let project: string;
    let bin: string;

    before(() => {
        built = buildPackage();
        project = fs.mkdtempSync(path.join(os.tmpdir(), "nocobase-entra-mail-installed-"));
        const tarball = packPackage(built, project);
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
        const install = spawnSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
            cwd: project, encoding: "utf8", timeout: 600_000,
        });
        assert.equal(install.status, 0, `npm install of the tarball failed: ${install.stderr}`);
        bin = path.join(project, "node_modules", ".bin", "nocobase-entra-mail");
        fs.mkdirSync(path.join(project, "stacks"));
        fs.copyFileSync(path.join(PACKAGE_ROOT, "stacks", "Pulumi.dev.yaml"), path.join(project, "stacks", "Pulumi.dev.yaml"));
    });

    after(() => {
        fs.rmSync(project, { recursive: true, force: true });
        fs.rmSync(built, { recursive: true, force: true });
    });

    function tool(...args: string[]) {
        // No tsx, no TypeScript: the compiled JavaScript alone, with a PATH that reaches node only.
        const result = spawnSync(bin, args, {
            cwd: project, encoding: "utf8", timeout: 120_000,
            env: { PATH: path.dirname(process.execPath), HOME: os.tmpdir() },
        });
        return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it("ships compiled JavaScript, and the TypeScript sources only for the plugin host", () => {
        const installed = path.join(project, "node_modules", "nocobase-entra-mail");
        for (const file of ["dist/cli.js", "dist/library.js", "dist/library.d.ts", "dist/program.js", "src/library.ts", "LICENSE"]) {
            assert.ok(fs.existsSync(path.join(installed, file)), `${file} is in the package`);
        }
        assert.ok(!fs.existsSync(path.join(installed, "test")), "tests are not shipped");
        assert.ok(fs.existsSync(path.join(project, "node_modules", "yaml")), "yaml, which the stack-file reader needs, is a dependency");
    });

    it("runs nocobase-entra-mail --help and each command's --help", () => {
        const help = tool("--help");
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /^Usage: nocobase-entra-mail <command>/);
        for (const command of ["plan", "doctor", "adopt", "bootstrap-deployer", "push-to-nocobase", "email-settings"]) {
            const own = tool(command, "--help");
            assert.equal(own.code, 0, own.stderr);
            assert.match(own.stdout, new RegExp(`^Usage: nocobase-entra-mail ${command} `));
        }
    });

    it("plans a stack file of the project it runs in, offline", () => {
        const plan = tool("plan", "--stack", "dev", "--at", "2026-11-23T12:00:00Z");
        assert.equal(plan.code, 0, plan.stderr);
        assert.match(plan.stdout, /^OFFLINE PLAN for stack "dev"/);
        assert.match(plan.stdout, /https:\/\/dev\.crm\.example\.com\/nocobase\/admin\/settings\/mail\/oauth2/);
        const missing = tool("plan", "--stack", "prod");
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /No stack file for "prod".*Known stacks: dev\b/);
    });

    it("starts its provider plugin from the compiled JavaScript and tells the engine its port", async () => {
        const plugin = path.join(project, "node_modules", ".bin", "pulumi-resource-nocobase-entra-mail");
        // The engine starts a plugin with its own address and reads the port the plugin prints first.
        // The launcher is a POSIX shell script: it needs the system's own tools besides node, and no tsx.
        const child = spawn(plugin, ["127.0.0.1:1"], {
            cwd: project, env: { PATH: [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter), HOME: os.tmpdir() },
        });
        try {
            const firstLine = await new Promise<string>((resolve, reject) => {
                let out = "";
                let err = "";
                child.stdout.on("data", (chunk: Buffer) => {
                    out += chunk.toString("utf8");
                    if (out.includes("\n")) resolve(out.split("\n")[0]);
                });
                child.stderr.on("data", (chunk: Buffer) => { err += chunk.toString("utf8"); });
                child.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port: ${err}`)));
                setTimeout(() => reject(new Error(`no port within 60 s: ${err}`)), 60_000).unref();
            });
            assert.match(firstLine, /^\d+$/);
        } finally {
            child.kill();
        }
    });

    it("loads the library entry as an importer's require does", () => {
        const load = spawnSync(process.execPath, ["-e", "const m = require('nocobase-entra-mail'); process.stdout.write(Object.keys(m).join(','))"], {
            cwd: project, encoding: "utf8", timeout: 60_000,
        });
        assert.equal(load.status, 0, load.stderr);
        assert.equal(load.stdout, "NocobaseMail");
    });
});
