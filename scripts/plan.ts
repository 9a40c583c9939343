// Offline plan: `npm run plan -- --stack <name> [--at <ISO instant>] [--outputs <file>]`. Evaluates the real
// program against stacks/Pulumi.<name>.yaml under Pulumi's mocks and prints what `pulumi up` would declare;
// with --outputs (the stack's `pulumi stack output --json`) it starts from that stack's rotation state.
import * as pulumi from "@pulumi/pulumi";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError } from "../src/operations/command-line";
import { renderPlan } from "../src/operations/plan/plan-report";
import { ProgramFailure, runProgram } from "../src/operations/plan/program-runner";
import { listStacks, readStackFile, STACKS_DIR } from "../src/operations/plan/stack-file";
import { quoteForeign } from "../src/redaction";
import { emailSettingsChoice } from "../src/registration/pasted-secret";
import { parseRotationRecord } from "../src/registration/rotation-record";
import { readStackOutputsText } from "../src/operations/stack-outputs";

const USAGE = `Usage: npm run plan -- --stack <name> [--at <ISO 8601 instant>] [--outputs <file>] [--stacks-dir <dir>]

Evaluates the program pulumi up runs (index.ts) against stacks/Pulumi.<name>.yaml under Pulumi's mocks,
without credentials or network, and prints what it would declare, or the configuration's problems.

  --stack <name>       the stack (environment) to plan
  --at <instant>       plan as of this instant, e.g. 2027-03-01T00:00:00Z (default: now)
  --outputs <file>     start from the stack's last outputs (pulumi stack output --json > file), e.g. to
                       see which secret slot the next rotation replaces (default: a new stack); outputs
                       of another stack (their environment output names it) are refused
  --stacks-dir <dir>   where the stack files are (default: stacks)
  -h, --help           this help

Exit codes: 0 planned, 1 the configuration is refused, 2 usage.
`;

interface PlanArguments {
    readonly stack: string;
    readonly now: Date;
    readonly stacksDir: string;
    readonly outputs: string | undefined;
}

function parsePlanArguments(argv: readonly string[]): PlanArguments | "help" {
    const { values, positionals } = parseCommandLine(argv, {
        stack: { type: "string" }, at: { type: "string" }, outputs: { type: "string" }, "stacks-dir": { type: "string" },
    }, false);
    if (values.help) {
        return "help";
    }
    if (positionals.length > 0) {
        throw new UsageError("plan takes options only; name the stack with --stack <name>.");
    }
    const stacksDir = values["stacks-dir"] ?? STACKS_DIR;
    if (values.stack === undefined) {
        throw new UsageError(`--stack is required; stacks: ${listStacks(stacksDir).join(", ")}`);
    }
    const now = values.at === undefined ? new Date() : new Date(values.at);
    if (Number.isNaN(now.getTime())) {
        throw new UsageError(`--at ${quoteForeign(values.at ?? "")} is not a date; give e.g. 2027-03-01T00:00:00Z`);
    }
    return { stack: values.stack, now, stacksDir, outputs: values.outputs };
}

/** The stack outputs in a file; never quotes its content, which may hold a secret. */
function outputsObject(json: string, file: string): Record<string, unknown> {
    try {
        const parsed = JSON.parse(json) as unknown;
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
            return parsed as Record<string, unknown>;
        }
    } catch {
        // Reported below without the file's content.
    }
    throw new UsageError(`--outputs ${quoteForeign(file)} is not a JSON object of stack outputs; make it with: ` +
        "pulumi stack output --json --stack <name> > <file>");
}

/**
 * Refuses outputs that name another stack in their `environment` output: planned from them, the rotation
 * would start from another customer's record. Outputs without that name (a program that does not export
 * it) are taken as they are.
 */
function refuseOtherStack(outputs: Readonly<Record<string, unknown>>, stack: string, file: string): void {
    const named = outputs.environment;
    if (typeof named === "string" && named !== stack) {
        throw new UsageError(`--outputs ${quoteForeign(file)} holds the outputs of stack ${quoteForeign(named)} (its environment ` +
            `output), not of "${stack}"; planning from them would start from another stack's rotation. ` +
            `Fix: pulumi stack output --json --stack ${stack} > ${quoteForeign(file)}, then plan again.`);
    }
}

async function main(): Promise<number> {
    let args: PlanArguments;
    let stackFile;
    let previousOutputs: Record<string, unknown> = {};
    try {
        const parsed = parsePlanArguments(process.argv.slice(2));
        if (parsed === "help") {
            process.stdout.write(USAGE);
            return EXIT_OK;
        }
        args = parsed;
        stackFile = readStackFile(args.stack, args.stacksDir);
        if (args.outputs !== undefined) {
            previousOutputs = outputsObject((await readStackOutputsText(args.outputs, "npm run plan")).json, args.outputs);
            refuseOtherStack(previousOutputs, args.stack, args.outputs);
        }
    } catch (err) {
        console.error(`plan: ${(err as Error).message}\n\n${USAGE}`);
        return EXIT_USAGE;
    }
    try {
        const previous = args.outputs === undefined ? undefined : parseRotationRecord(previousOutputs);
        const run = await runProgram({
            stack: args.stack, config: stackFile.config, secretKeys: stackFile.secretKeys, now: args.now, previousOutputs, tenantId: stackFile.tenantId,
        });
        const configured = stackFile.config.emailSettings;
        const chosen = emailSettingsChoice(configured === "pasted" || configured === "variables" ? configured : undefined,
            stackFile.config.pastedSecretKeyId || undefined, previous).chosen;
        console.log(renderPlan(args.stack, args.now, run, { previous, tenantPinned: stackFile.tenantId !== undefined, emailSettingsChosen: chosen }));
        return EXIT_OK;
    } catch (err) {
        if (err instanceof ProgramFailure && pulumi.RunError.isInstance(err.error)) {
            console.error(`OFFLINE PLAN for stack "${args.stack}": configuration error\n${err.error.message}`);
            return EXIT_FAILED;
        }
        throw err;
    }
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
    console.error(`offline plan failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = EXIT_FAILED;
});
