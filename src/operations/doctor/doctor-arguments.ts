/** Command-line arguments of `nocobase-entra-mail doctor`, parsed without side effects. */
import * as path from "node:path";
import { parseCommandLine, UsageError, wholeNumber } from "../command-line";

export interface DoctorArguments {
    readonly json: boolean;
    readonly warnDays: number;
    readonly probeSecret: boolean;
    /** Also check NocoBase's end (API key from NOCOBASE_API_TOKEN). */
    readonly nocobase: boolean;
    readonly concurrency: number;
    readonly timeoutSeconds: number;
    /** Files of stack outputs; empty (and no stacks) means stdin. */
    readonly files: readonly string[];
    /** Stacks whose outputs are read in memory through the Automation API, instead of files. */
    readonly stacks: readonly string[];
    /** The Pulumi project of those stacks (absolute). */
    readonly projectDir: string;
    readonly help: boolean;
}

export const DOCTOR_SYNOPSIS = "[options] [<outputs.json>...] | [options] --stack <name> [--stack <name>...] [--project <dir>]";

export const DOCTOR_DESCRIPTION = `Checks live Microsoft Entra registrations against the outputs of their stacks.
Each file holds one environment's \`pulumi stack output --json\` (add --show-secrets only
for --probe-secret, the one check that uses the secret); without files (or with "-") the JSON
is read from stdin (one object, or an array). With --stack, the outputs are read from the stack itself
through Pulumi's Automation API, in memory: no file holds the secret.

Options:
  --json                 machine-readable output
  --warn-days <n>        report secrets expiring within n days (default 30)
  --probe-secret         also request a token with each stack's client secret
  --nocobase             also check NocoBase: the secret's key ID, a pending restart, the API key's
                         expiry (API key from NOCOBASE_API_TOKEN)
  --stack <name>         check this stack (repeatable), reading its outputs through Pulumi
  --project <dir>        the Pulumi project of --stack (default: the current folder)
  --concurrency <n>      environments checked at once (default 4, at most 32)
  --timeout-seconds <n>  time limit of each call to Microsoft (default 30)
  -h, --help             this help

Credentials: DefaultAzureCredential (environment, workload identity, managed identity, az login).
Endpoints: AZURE_AUTHORITY_HOST and GRAPH_BASE_URL override Microsoft's public cloud.
`;

export function parseDoctorArguments(argv: readonly string[], cwd = process.cwd()): DoctorArguments {
    const { values, positionals } = parseCommandLine(argv, {
        json: { type: "boolean" },
        "probe-secret": { type: "boolean" },
        nocobase: { type: "boolean" },
        "warn-days": { type: "string" },
        concurrency: { type: "string" },
        "timeout-seconds": { type: "string" },
        stack: { type: "string", multiple: true },
        project: { type: "string" },
    }, true);
    const stacks = values.stack ?? [];
    if (stacks.length > 0 && positionals.length > 0) {
        throw new UsageError("give outputs files or --stack, not both.");
    }
    if (stacks.some((stack) => stack === "")) {
        throw new UsageError("--stack needs a stack name, e.g. --stack prod.");
    }
    if (values.project !== undefined && stacks.length === 0) {
        throw new UsageError("--project applies only with --stack <name>.");
    }
    return {
        json: values.json ?? false,
        probeSecret: values["probe-secret"] ?? false,
        nocobase: values.nocobase ?? false,
        warnDays: wholeNumber("--warn-days", values["warn-days"], 1, 3650) ?? 30,
        concurrency: wholeNumber("--concurrency", values.concurrency, 1, 32) ?? 4,
        timeoutSeconds: wholeNumber("--timeout-seconds", values["timeout-seconds"], 1, 600) ?? 30,
        // "-" names stdin, as no file does.
        files: positionals.filter((file) => file !== "-"),
        stacks,
        projectDir: path.resolve(cwd, values.project ?? "."),
        help: values.help ?? false,
    };
}
