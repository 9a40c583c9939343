/** Command-line arguments of `npm run doctor`, parsed without side effects. */

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

export const DOCTOR_USAGE = `Usage: npm run doctor -- [options] [<outputs.json>...]

Checks live Microsoft Entra registrations against the outputs of their stacks.
Each file holds one environment's \`pulumi stack output --json --show-secrets\`;
without files (or with "-") the JSON is read from stdin (one object, or an array).

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
Exit codes: 0 healthy, 1 findings, 2 could not check.
`;

function positiveInteger(flag: string, value: string | undefined, max: number): number {
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
        throw new Error(`${flag} needs a whole number from 1 to ${max}, got ${value === undefined ? "nothing" : `"${value}"`}.`);
    }
    return Number(value);
}

export function parseDoctorArguments(argv: readonly string[]): DoctorArguments {
    let json = false;
    let probeSecret = false;
    let nocobase = false;
    let help = false;
    let warnDays = 30;
    let concurrency = 4;
    let timeoutSeconds = 30;
    const files: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const value = (): string | undefined => inline ?? argv[++i];
        switch (flag) {
            case "--json": json = true; break;
            case "--probe-secret": probeSecret = true; break;
            case "--nocobase": nocobase = true; break;
            case "-h": case "--help": help = true; break;
            case "--warn-days": warnDays = positiveInteger(flag, value(), 3650); break;
            case "--concurrency": concurrency = positiveInteger(flag, value(), 32); break;
            case "--timeout-seconds": timeoutSeconds = positiveInteger(flag, value(), 600); break;
            default:
                if (arg.startsWith("-") && arg !== "-") {
                    throw new Error(`Unknown option ${arg}.`);
                }
                if (arg !== "-") {
                    files.push(arg);
                }
        }
    }
    return { json, warnDays, probeSecret, nocobase, concurrency, timeoutSeconds, files, help };
}
