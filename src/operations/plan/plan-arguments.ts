/** Command line of `nocobase-entra-mail plan`, parsed without side effects. */
import { quoteForeign } from "../../redaction";
import { parseCommandLine, UsageError } from "../command-line";
import { listStacks, STACKS_DIR } from "./stack-file";

export const PLAN_SYNOPSIS = "--stack <name> [--at <ISO 8601 instant>] [--outputs <file>] [--stacks-dir <dir>]";

export const PLAN_DESCRIPTION = `Evaluates the program pulumi up runs against stacks/Pulumi.<name>.yaml under Pulumi's mocks, without
credentials or network, and prints what it would declare, or the configuration's problems.

  --stack <name>       the stack (environment) to plan
  --at <instant>       plan as of this instant, e.g. 2027-03-01T00:00:00Z (default: now)
  --outputs <file>     start from the stack's last outputs (pulumi stack output --json > file), e.g. to
                       see which secret slot the next rotation replaces (default: a new stack); outputs
                       of another stack (their environment output names it) are refused
  --stacks-dir <dir>   where the stack files are (default: stacks in the current directory)
  -h, --help           this help
`;

export interface PlanArguments {
    readonly help: boolean;
    readonly stack: string;
    readonly now: Date;
    readonly stacksDir: string;
    readonly outputs: string | undefined;
}

export function parsePlanArguments(argv: readonly string[], clock: () => Date = () => new Date()): PlanArguments {
    const { values, positionals } = parseCommandLine(argv, {
        stack: { type: "string" }, at: { type: "string" }, outputs: { type: "string" }, "stacks-dir": { type: "string" },
    }, false);
    const stacksDir = values["stacks-dir"] ?? STACKS_DIR;
    if (values.help) {
        return { help: true, stack: "", now: clock(), stacksDir, outputs: undefined };
    }
    if (positionals.length > 0) {
        throw new UsageError("plan takes options only; name the stack with --stack <name>.");
    }
    if (values.stack === undefined) {
        throw new UsageError(`--stack is required; stacks: ${listStacks(stacksDir).join(", ")}`);
    }
    const now = values.at === undefined ? clock() : new Date(values.at);
    if (Number.isNaN(now.getTime())) {
        throw new UsageError(`--at ${quoteForeign(values.at ?? "")} is not a date; give e.g. 2027-03-01T00:00:00Z`);
    }
    return { help: false, stack: values.stack, now, stacksDir, outputs: values.outputs };
}
