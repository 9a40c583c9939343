/**
 * One Pulumi operation on one stack with the real CLI, run in its own process: the Node SDK keeps its
 * runtime state per process. The program is a module of
 * test/engine/programs/ run inline through the Automation API (the CLI connects back to this process's
 * language server with --client), because the Node language host is not served by the Go module proxy;
 * or a Pulumi.yaml, run by the YAML language host (pulumi-language-yaml, built by setup.sh).
 *
 * Usage: node --import tsx stack-runner.ts '<RunRequest JSON>'
 * Prints the engine's output as it comes, then one line `RESULT <json>`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type OpType } from "@pulumi/pulumi/automation";

export interface RunRequest {
    readonly op: "up" | "preview" | "refresh" | "destroy";
    readonly stackName: string;
    readonly projectName: string;
    readonly workDir: string;
    readonly toolchainRoot: string;
    /** Absolute path of a module whose default export is the inline program, or of a Pulumi.yaml (a YAML program). */
    readonly program: string;
    readonly config: Readonly<Record<string, { value: string; secret?: boolean }>>;
    readonly envVars: Readonly<Record<string, string>>;
    readonly expectNoChanges?: boolean;
}

export interface RunResult {
    readonly ok: boolean;
    /** Counts of the operation's steps by kind (create, same, update, replace, delete, ...). */
    readonly changes: Partial<Record<OpType, number>>;
    /** First 2,000 characters of the Automation API's error; the CLI prints secrets as [secret]. */
    readonly error?: string;
}

/** A Pulumi.yaml program runs in its own language host (pulumi-language-yaml), from a copy in the work folder. */
function yamlStack(request: RunRequest, pulumiCommand: PulumiCommand) {
    fs.copyFileSync(request.program, path.join(request.workDir, "Pulumi.yaml"));
    return LocalWorkspace.createOrSelectStack({ stackName: request.stackName, workDir: request.workDir },
        { pulumiCommand, envVars: { ...request.envVars } });
}

async function run(request: RunRequest): Promise<RunResult> {
    const pulumiCommand = await PulumiCommand.get({ root: request.toolchainRoot });
    const stack = request.program.endsWith(".yaml") ? await yamlStack(request, pulumiCommand) : await LocalWorkspace.createOrSelectStack({
        stackName: request.stackName,
        projectName: request.projectName,
        program: async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const program = require(request.program) as { default: () => Promise<Record<string, unknown>> };
            return program.default();
        },
    }, {
        workDir: request.workDir,
        pulumiCommand,
        envVars: { ...request.envVars },
        projectSettings: { name: request.projectName, runtime: "nodejs" },
    });
    await stack.setAllConfig(request.config);
    const onOutput = (out: string) => process.stdout.write(out);
    try {
        switch (request.op) {
            case "up": {
                const result = await stack.up({ onOutput });
                return { ok: true, changes: result.summary.resourceChanges ?? {} };
            }
            case "preview": {
                const result = await stack.preview({ onOutput, expectNoChanges: request.expectNoChanges });
                return { ok: true, changes: result.changeSummary };
            }
            case "refresh": {
                const result = await stack.refresh({ onOutput });
                return { ok: true, changes: result.summary.resourceChanges ?? {} };
            }
            case "destroy": {
                const result = await stack.destroy({ onOutput });
                return { ok: true, changes: result.summary.resourceChanges ?? {} };
            }
        }
    } catch (err) {
        return { ok: false, changes: {}, error: String((err as Error).message ?? err).slice(0, 2000) };
    }
}

if (require.main === module) {
    run(JSON.parse(process.argv[2]) as RunRequest).then((result) => {
        process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
        process.exit(0);
    }, (err: unknown) => {
        process.stdout.write(`\nRESULT ${JSON.stringify({ ok: false, changes: {}, error: String(err).slice(0, 2000) })}\n`);
        process.exit(0);
    });
}
