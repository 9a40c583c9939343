/** Command-line arguments of `nocobase-entra-mail doctor`, parsed without side effects. */
import { parseCommandLine, wholeNumber } from "../command-line";

export interface DoctorArguments {
    readonly json: boolean;
    readonly warnDays: number;
    readonly probeSecret: boolean;
    /** Also check NocoBase's end (API key from NOCOBASE_API_TOKEN). */
    readonly nocobase: boolean;
    readonly concurrency: number;
    readonly timeoutSeconds: number;
    /** Files of stack outputs; empty means stdin. */
    readonly files: readonly string[];
    readonly help: boolean;
}

export const DOCTOR_SYNOPSIS = "[options] [<outputs.json>...]";

export const DOCTOR_DESCRIPTION = `Checks live Microsoft Entra registrations against the outputs of their stacks.
Each file holds one environment's \`pulumi stack output --json\` (add --show-secrets only
for --probe-secret, the one check that uses the secret); without files (or with "-") the JSON
is read from stdin (one object, or an array).

Options:
  --json                 machine-readable output
  --warn-days <n>        report secrets expiring within n days (default 30)
  --probe-secret         also request a token with each stack's client secret
  --nocobase             also check NocoBase: the secret's key ID, a pending restart, the API key's
                         expiry (API key from NOCOBASE_API_TOKEN)
  --concurrency <n>      environments checked at once (default 4, at most 32)
  --timeout-seconds <n>  time limit of each call to Microsoft (default 30)
  -h, --help             this help

Credentials: DefaultAzureCredential (environment, workload identity, managed identity, az login).
Endpoints: AZURE_AUTHORITY_HOST and GRAPH_BASE_URL override Microsoft's public cloud.
`;

export function parseDoctorArguments(argv: readonly string[]): DoctorArguments {
    const { values, positionals } = parseCommandLine(argv, {
        json: { type: "boolean" },
        "probe-secret": { type: "boolean" },
        nocobase: { type: "boolean" },
        "warn-days": { type: "string" },
        concurrency: { type: "string" },
        "timeout-seconds": { type: "string" },
    }, true);
    return {
        json: values.json ?? false,
        probeSecret: values["probe-secret"] ?? false,
        nocobase: values.nocobase ?? false,
        warnDays: wholeNumber("--warn-days", values["warn-days"], 1, 3650) ?? 30,
        concurrency: wholeNumber("--concurrency", values.concurrency, 1, 32) ?? 4,
        timeoutSeconds: wholeNumber("--timeout-seconds", values["timeout-seconds"], 1, 600) ?? 30,
        // "-" names stdin, as no file does.
        files: positionals.filter((file) => file !== "-"),
        help: values.help ?? false,
    };
}
