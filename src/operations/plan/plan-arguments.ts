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

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * An ISO 8601 date (midnight UTC) or instant with its offset. `Date` alone would roll an impossible day over
 * (2026-02-30 becomes March 2) and read a time without an offset in the machine's zone: both refused.
 */
export function parseInstant(text: string): Date {
    const refuse = (why: string) => new UsageError(`--at ${quoteForeign(text)} ${why}; give e.g. 2027-03-01T00:00:00Z`);
    const match = ISO_INSTANT.exec(text);
    if (match === null) {
        throw refuse("is not an ISO 8601 date or instant with an offset");
    }
    const [year, month, day, hour = 0, minute = 0, second = 0, , offsetHours = 0, offsetMinutes = 0] =
        [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => match[i] === undefined ? undefined : Number(match[i]));
    const calendar = new Date(Date.UTC(year as number, (month as number) - 1, day));
    if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== (month as number) - 1 || calendar.getUTCDate() !== day) {
        throw refuse("is not a day of the calendar");
    }
    if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
        throw refuse("is not a time of day");
    }
    return new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
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
    const now = values.at === undefined ? clock() : parseInstant(values.at);
    return { help: false, stack: values.stack, now, stacksDir, outputs: values.outputs };
}
