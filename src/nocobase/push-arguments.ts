/** Command line of `npm run push-to-nocobase`; pure, so that usage errors are tested without NocoBase. */

export const PUSH_USAGE = `Usage: npm run push-to-nocobase -- [--api-url <url>] [<outputs.json>]

Writes the client ID and client secret from a stack's outputs into NocoBase's "Variables and secrets",
for when NocoBase cannot be reached from where \`pulumi up\` runs. Reads the JSON of
  pulumi stack output --json --show-secrets --stack <name>
from the file given, or from standard input when no file (or "-") is given.

  --api-url <url>   NocoBase's API base URL, ending in /api (default: the outputs' nocobaseApiUrl)
  --help            this text

The secret is handed over only once Microsoft's token endpoint accepts it (AZURE_AUTHORITY_HOST overrides
the endpoint). The API key comes from the environment variable NOCOBASE_API_TOKEN.
Exit status: 0 done (or nothing to do), 1 failed, 2 usage error.
`;

export interface PushArguments {
    readonly help: boolean;
    readonly apiUrl: string | undefined;
    /** undefined: standard input. */
    readonly file: string | undefined;
}

/** Throws an Error whose message says what is wrong with the command line. */
export function parsePushArguments(argv: readonly string[]): PushArguments {
    let apiUrl: string | undefined;
    let file: string | undefined;
    let help = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            help = true;
        } else if (arg === "--api-url" || arg.startsWith("--api-url=")) {
            const value = arg === "--api-url" ? argv[++i] : arg.slice("--api-url=".length);
            if (value === undefined || value === "" || value.startsWith("--")) {
                throw new Error("--api-url needs a value, e.g. --api-url https://crm.example.com/api");
            }
            apiUrl = value;
        } else if (arg.startsWith("-") && arg !== "-") {
            throw new Error(`unknown option ${arg}`);
        } else if (file !== undefined) {
            throw new Error(`one outputs file at a time (got ${file} and ${arg})`);
        } else {
            file = arg;
        }
    }
    return { help, apiUrl, file: file === "-" ? undefined : file };
}
