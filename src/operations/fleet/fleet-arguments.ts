/** Command line of `nocobase-entra-mail fleet`; pure, so that usage errors are tested without a project. */
import * as path from "node:path";
import { parseCommandLine, UsageError, wholeNumber } from "../command-line";
import { quoteForeign } from "../../redaction";
import type { FleetOperation } from "./fleet-report";

export const FLEET_SYNOPSIS = "<preview|up|refresh|doctor|matrix> [options] [<stack or glob>...]";

export const FLEET_DESCRIPTION = `Runs one operation over many stacks of a Pulumi project, each stack in its own process through
Pulumi's Automation API, at most --concurrency at a time. A failure in one stack never stops another.
Stacks: every stack file of the project (Pulumi.<stack>.yaml in its stackConfigDir), or those matching
the names and globs given ("cust-*"), or the names in --list; --only-failed takes the stacks that
failed (or had findings) in the last run.

  preview | up | refresh   the Pulumi operation on each stack; summary: changed, unchanged, failed
  doctor                   the live check (nocobase-entra-mail doctor) of each stack, outputs read in memory
  matrix                   print the selection as a GitHub Actions matrix (JSON) and run nothing

Options:
  --project <dir>          the Pulumi project (default: the current folder)
  --list <file>            stack names, one per line (# comments)
  --only-failed            only the stacks that failed in the last run (its report in --log-dir)
  --concurrency <n>        stacks at once (default 4, at most 32)
  --stack-timeout-minutes <n>
                           stop a stack still running after n minutes, reported failed (default 60)
  --log-dir <dir>          per-stack logs and the report fleet-report.json (default: <project>/.fleet)
  --json                   print the report as JSON instead of the table
  --probe-secret, --nocobase, --warn-days <n>
                           passed to the doctor (see nocobase-entra-mail doctor --help)
  --max-jobs <n>           matrix: jobs per matrix, at most GitHub's 256 (default 256); more stacks
                           than that are shared out, several stacks per job
  -h, --help               this help

Logs never hold a secret: the stack's secret config and outputs and the credentials in the environment
are redacted before anything is written.
`;

export const OPERATIONS = ["preview", "up", "refresh", "doctor", "matrix"] as const;
export type FleetCommand = FleetOperation | "matrix";

export interface FleetArguments {
    readonly help: boolean;
    readonly command: FleetCommand;
    readonly projectDir: string;
    readonly patterns: readonly string[];
    readonly listFile: string | undefined;
    readonly onlyFailed: boolean;
    readonly concurrency: number;
    readonly logDir: string;
    readonly json: boolean;
    /** Arguments passed on to the doctor. */
    readonly doctorOptions: readonly string[];
    readonly maxJobs: number;
    /** A stack's child still running after this long is stopped and reported failed. */
    readonly stackTimeoutMinutes: number;
}

/** Far above a stack's update (minutes, the hand-over's replication wait at most 5), far below a stuck stack holding the fleet all day. */
const DEFAULT_STACK_TIMEOUT_MINUTES = 60;

/** GitHub Actions runs at most 256 jobs per matrix. */
export const GITHUB_MATRIX_LIMIT = 256;

export function parseFleetArguments(argv: readonly string[], cwd = process.cwd()): FleetArguments {
    const { values, positionals } = parseCommandLine(argv, {
        project: { type: "string" },
        list: { type: "string" },
        "only-failed": { type: "boolean" },
        concurrency: { type: "string" },
        "log-dir": { type: "string" },
        json: { type: "boolean" },
        "probe-secret": { type: "boolean" },
        nocobase: { type: "boolean" },
        "warn-days": { type: "string" },
        "max-jobs": { type: "string" },
        "stack-timeout-minutes": { type: "string" },
    }, true);
    const help = values.help ?? false;
    const [command, ...patterns] = positionals;
    if (!help && command === undefined) {
        throw new UsageError(`name an operation: ${OPERATIONS.join(", ")}.`);
    }
    if (!help && !(OPERATIONS as readonly string[]).includes(command)) {
        throw new UsageError(`unknown operation ${quoteForeign(command)}; use one of ${OPERATIONS.join(", ")}.`);
    }
    const selections = [patterns.length > 0, values.list !== undefined, values["only-failed"] === true].filter(Boolean).length;
    if (selections > 1) {
        throw new UsageError("choose the stacks one way: names and globs, --list <file>, or --only-failed.");
    }
    const doctorOnly = ["probe-secret", "nocobase", "warn-days"].filter((k) => values[k as keyof typeof values] !== undefined);
    if (doctorOnly.length > 0 && command !== "doctor") {
        throw new UsageError(`--${doctorOnly[0]} applies only to fleet doctor.`);
    }
    if (values["max-jobs"] !== undefined && command !== "matrix") {
        throw new UsageError("--max-jobs applies only to fleet matrix.");
    }
    const warnDays = wholeNumber("--warn-days", values["warn-days"], 1, 3650);
    const projectDir = path.resolve(cwd, values.project ?? ".");
    return {
        help,
        command: (command ?? "preview") as FleetCommand,
        projectDir,
        patterns,
        listFile: values.list,
        onlyFailed: values["only-failed"] ?? false,
        concurrency: wholeNumber("--concurrency", values.concurrency, 1, 32) ?? 4,
        logDir: path.resolve(cwd, values["log-dir"] ?? path.join(projectDir, ".fleet")),
        json: values.json ?? false,
        doctorOptions: [
            ...(values["probe-secret"] ? ["--probe-secret"] : []),
            ...(values.nocobase ? ["--nocobase"] : []),
            ...(warnDays === undefined ? [] : ["--warn-days", String(warnDays)]),
        ],
        maxJobs: wholeNumber("--max-jobs", values["max-jobs"], 1, GITHUB_MATRIX_LIMIT) ?? GITHUB_MATRIX_LIMIT,
        stackTimeoutMinutes: wholeNumber("--stack-timeout-minutes", values["stack-timeout-minutes"], 1, 24 * 60) ?? DEFAULT_STACK_TIMEOUT_MINUTES,
    };
}
