// Offline plan: `npm run plan -- --stack <name> [--at <ISO instant>]`. Evaluates the real program against
// stacks/Pulumi.<name>.yaml under Pulumi's mocks and prints what `pulumi up` would declare.
import * as pulumi from "@pulumi/pulumi";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError } from "../src/command-line";
import { renderPlan } from "../src/offline/plan-report";
import { ProgramFailure, runProgram } from "../src/offline/program-runner";
import { listStacks, readStackFile, STACKS_DIR } from "../src/offline/stack-file";
import { quoteForeign } from "../src/redaction";

const USAGE = `Usage: npm run plan -- --stack <name> [--at <ISO 8601 instant>] [--stacks-dir <dir>]

Evaluates the program pulumi up runs (index.ts) against stacks/Pulumi.<name>.yaml under Pulumi's mocks,
without credentials or network, and prints what it would declare, or the configuration's problems.

  --stack <name>       the stack (environment) to plan
  --at <instant>       plan as of this instant, e.g. 2027-03-01T00:00:00Z (default: now)
  --stacks-dir <dir>   where the stack files are (default: stacks)
  -h, --help           this help

Exit codes: 0 planned, 1 the configuration is refused, 2 usage.
`;

interface PlanArguments {
    readonly stack: string;
    readonly now: Date;
    readonly stacksDir: string;
}

function parsePlanArguments(argv: readonly string[]): PlanArguments | "help" {
    const { values, positionals } = parseCommandLine(argv, {
        stack: { type: "string" }, at: { type: "string" }, "stacks-dir": { type: "string" },
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
    return { stack: values.stack, now, stacksDir };
}

async function main(): Promise<number> {
    let args: PlanArguments;
    let stackFile;
    try {
        const parsed = parsePlanArguments(process.argv.slice(2));
        if (parsed === "help") {
            process.stdout.write(USAGE);
            return EXIT_OK;
        }
        args = parsed;
        stackFile = readStackFile(args.stack, args.stacksDir);
    } catch (err) {
        console.error(`plan: ${(err as Error).message}\n\n${USAGE}`);
        return EXIT_USAGE;
    }
    try {
        const run = await runProgram({ stack: args.stack, config: stackFile.config, secretKeys: stackFile.secretKeys, now: args.now });
        console.log(renderPlan(args.stack, args.now, run));
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
