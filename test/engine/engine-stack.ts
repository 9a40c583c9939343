/**
 * A stack on the real Pulumi CLI, hermetic: its own PULUMI_HOME, a file backend and passphrase-encrypted
 * secrets in a temporary folder, no update check, no plugin download, no registry; the package's provider
 * plugin (bin/pulumi-resource-nocobase-entra-mail) first on PATH. Each operation runs in
 * a child process (stack-runner.ts); the CLI itself can be called directly, e.g. for `stack output`.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { RunRequest, RunResult } from "./stack-runner";
import type { EngineToolchain } from "./toolchain";

const ROOT = path.resolve(__dirname, "../..");
const RUNNER = path.join(__dirname, "stack-runner.ts");
export const PROJECT = "nocobase-entra-mail";

export interface RunOutcome extends RunResult {
    /** Everything the engine printed. */
    readonly output: string;
}

export interface RunOptions {
    readonly expectNoChanges?: boolean;
}

export type StackConfig = Record<string, { value: string; secret?: boolean }>;

/** Where a hermetic CLI run keeps its state and home, and how it decrypts secrets. */
export interface HermeticPlaces {
    readonly home: string;
    readonly stateDir: string;
    readonly passphrase: string;
    /** Folders searched first for binaries: the package's provider plugin, then the toolchain. */
    readonly bins: readonly string[];
}

/** The environment of every CLI process: hermetic settings, no plugin acquisition, the given binaries first on PATH. */
export function hermeticEnv(places: HermeticPlaces, extraEnv: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
        ...extraEnv,
        PATH: [...places.bins, path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
        HOME: process.env.HOME ?? os.homedir(),
        PULUMI_HOME: places.home,
        PULUMI_BACKEND_URL: `file://${places.stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: places.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
    };
}

/** The folder of the package's provider plugin executable in this checkout. */
export const PLUGIN_BIN = path.join(ROOT, "bin");

export class EngineStack {
    readonly dir: string;
    readonly workDir: string;
    readonly stateDir: string;
    private readonly passphrase = randomBytes(24).toString("base64url");

    /** Folder of the package's provider plugin the CLI finds on PATH; a test may install another build. */
    pluginBin = PLUGIN_BIN;

    constructor(readonly toolchain: EngineToolchain, readonly stackName: string, public program: string,
        private readonly extraEnv: Readonly<Record<string, string>> = {}) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `engine-${stackName}-`));
        this.workDir = path.join(this.dir, "project");
        this.stateDir = path.join(this.dir, "state");
        for (const sub of [this.workDir, this.stateDir, path.join(this.dir, "home")]) {
            fs.mkdirSync(sub, { recursive: true });
        }
        // A dynamic-provider plugin (of an earlier release, in the upgrade suite) resolves @pulumi/pulumi from the project folder.
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.workDir, "node_modules"));
    }

    /** The environment of every CLI process: hermetic settings, the toolchain first on PATH. */
    env(): Record<string, string> {
        return hermeticEnv({
            home: path.join(this.dir, "home"), stateDir: this.stateDir, passphrase: this.passphrase, bins: [this.pluginBin, this.toolchain.bin],
        }, this.extraEnv);
    }

    async run(op: RunRequest["op"], config: StackConfig, options: RunOptions = {}): Promise<RunOutcome> {
        const request: RunRequest = {
            op, stackName: this.stackName, projectName: PROJECT, workDir: this.workDir, toolchainRoot: this.toolchain.root,
            program: this.program, config, envVars: this.env(), expectNoChanges: options.expectNoChanges,
        };
        const child = spawn(process.execPath, ["--import", "tsx", RUNNER, JSON.stringify(request)], {
            cwd: ROOT, env: { ...process.env, ...this.env() }, stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
        child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        const line = output.split("\n").reverse().find((l) => l.startsWith("RESULT "));
        if (line === undefined) {
            throw new Error(`the stack runner exited (${code}) without a result:\n${output.slice(-3000)}`);
        }
        return { ...(JSON.parse(line.slice("RESULT ".length)) as RunResult), output };
    }

    /** The CLI itself, on this stack. */
    async cli(args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> {
        try {
            const { stdout, stderr } = await promisify(execFile)(path.join(this.toolchain.bin, "pulumi"),
                [...args, "--stack", this.stackName, "--non-interactive"],
                { cwd: this.workDir, env: { ...process.env, ...this.env() }, maxBuffer: 64 * 1024 * 1024 });
            return { stdout, stderr, code: 0 };
        } catch (err) {
            const failed = err as { stdout?: string; stderr?: string; code?: number };
            return { stdout: failed.stdout ?? "", stderr: failed.stderr ?? "", code: typeof failed.code === "number" ? failed.code : 1 };
        }
    }

    /** `pulumi stack output --json`: secrets as the CLI prints them without --show-secrets. */
    async outputs(): Promise<Record<string, unknown>> {
        const { stdout, stderr, code } = await this.cli(["stack", "output", "--json"]);
        if (code !== 0) {
            throw new Error(`pulumi stack output failed: ${stderr}`);
        }
        return JSON.parse(stdout) as Record<string, unknown>;
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
