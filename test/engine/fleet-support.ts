/**
 * A Pulumi project for the fleet on the real CLI: Pulumi.yaml, a program that re-exports
 * programs/fleet-project.ts, stack files under stacks/, and a hermetic environment (file backend,
 * passphrase secrets, its own PULUMI_HOME, the toolchain first on PATH, Microsoft pointed at the
 * emulator). Stacks are made and configured through the Automation API, as a user's `pulumi stack init`
 * and `pulumi config set --secret` would.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { mapWithConcurrency } from "../../src/operations/doctor/bounded-concurrency";
import type { StackOutputs } from "../../src/operations/stack-outputs";
import { runningNocobase } from "../nocobase-server/harness";
import { outputsFor, runningEmulator, runTool, type Run } from "../nocobase/support";
import { hermeticEnv, PLUGIN_BIN, type StackConfig } from "./engine-stack";
import type { EngineToolchain } from "./toolchain";

const ROOT = path.resolve(__dirname, "../..");
const PROGRAM = path.join(__dirname, "programs", "fleet-project.ts");
export const FLEET_PROJECT = "nocobase-fleet-test";

export class FleetProject {
    readonly root: string;
    readonly dir: string;
    readonly stateDir: string;
    readonly homeDir: string;
    readonly logDir: string;
    readonly passphrase = randomBytes(24).toString("base64url");

    constructor(readonly toolchain: EngineToolchain, private readonly extraEnv: Readonly<Record<string, string>> = {}) {
        this.root = fs.mkdtempSync(path.join(os.tmpdir(), "engine-fleet-"));
        this.dir = path.join(this.root, "project");
        this.stateDir = path.join(this.root, "state");
        this.homeDir = path.join(this.root, "home");
        this.logDir = path.join(this.root, "logs");
        for (const sub of [this.dir, this.stateDir, this.homeDir, path.join(this.dir, "stacks")]) {
            fs.mkdirSync(sub, { recursive: true });
        }
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"),
            `name: ${FLEET_PROJECT}\nruntime: nodejs\nmain: index.ts\nstackConfigDir: stacks\n`);
        fs.writeFileSync(path.join(this.dir, "index.ts"), `export { default } from ${JSON.stringify(PROGRAM)};\n`);
        // The program, run inline from the project folder, resolves @pulumi/pulumi and the package from there.
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.dir, "node_modules"));
    }

    env(): Record<string, string> {
        return hermeticEnv({
            home: this.homeDir, stateDir: this.stateDir, passphrase: this.passphrase, bins: [PLUGIN_BIN, this.toolchain.bin],
        }, this.extraEnv);
    }

    /** Creates (or selects) each stack and sets its whole config, `concurrency` stacks at a time. */
    async configure(stacks: Readonly<Record<string, StackConfig>>, concurrency = 4): Promise<void> {
        const pulumiCommand = await PulumiCommand.get({ root: this.toolchain.root });
        await mapWithConcurrency(Object.entries(stacks), concurrency, async ([name, config]) => {
            const stack = await LocalWorkspace.createOrSelectStack({ stackName: name, workDir: this.dir },
                { workDir: this.dir, pulumiCommand, envVars: this.env() });
            await stack.setAllConfig(config);
        });
    }

    /** A command of this repository's tool (`nocobase-entra-mail <command>`), run as a user would. */
    tool(command: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Run> {
        return runTool(command, args, { ...this.env(), ...env });
    }

    fleet(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Run> {
        return this.tool("fleet", [...args, "--project", this.dir, "--log-dir", this.logDir], env);
    }

    /** Every file under the project's folders (project, state, PULUMI_HOME, logs), node_modules excluded. */
    files(): string[] {
        const found: string[] = [];
        const walk = (dir: string): void => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) {
                    walk(full);
                } else if (entry.isFile()) {
                    found.push(full);
                }
            }
        };
        for (const dir of [this.stateDir, this.homeDir, this.logDir, path.join(this.dir, "stacks")]) {
            if (fs.existsSync(dir)) walk(dir);
        }
        found.push(...fs.readdirSync(this.dir).map((f) => path.join(this.dir, f)).filter((f) => fs.statSync(f).isFile()));
        return found;
    }

    remove(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

export function newFleetProject(toolchain: EngineToolchain): FleetProject {
    const emulator = runningEmulator();
    return new FleetProject(toolchain, { AZURE_AUTHORITY_HOST: emulator.authorityHost, NODE_EXTRA_CA_CERTS: emulator.certificate.caFile });
}

/** A stack of the test project for an application the emulator seeds now: its config and the secret planted. */
export function fleetStack(stack: string, apiKey = runningNocobase().rootApiKey): { config: StackConfig; outputs: StackOutputs } {
    // NocoBase variable names take letters, digits and "_" only; the names derive from the label.
    const outputs = outputsFor(stack.replace(/[^A-Za-z0-9]/g, "_"), { environment: stack });
    const { clientSecret, ...rest } = outputs;
    return {
        outputs,
        config: {
            "fleet:outputs": { value: JSON.stringify(rest) },
            "fleet:clientSecret": { value: clientSecret, secret: true },
            "nocobase-entra-mail:nocobaseApiToken": { value: apiKey, secret: true },
        },
    };
}
