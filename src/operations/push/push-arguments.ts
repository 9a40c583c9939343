/** Command line of `nocobase-entra-mail push-to-nocobase`; pure, so that usage errors are tested without NocoBase. */
import { parseCommandLine, UsageError } from "../command-line";

export const PUSH_SYNOPSIS = "[--api-url <url>] [<outputs.json>]";

export const PUSH_DESCRIPTION = `Writes the client ID and client secret from a stack's outputs into NocoBase's "Variables and secrets",
for when NocoBase cannot be reached from where \`pulumi up\` runs. Reads the JSON of
  pulumi stack output --json --show-secrets --stack <name>
from the file given, or from standard input when no file (or "-") is given.

  --api-url <url>   NocoBase's API base URL, ending in /api (default: the outputs' nocobaseApiUrl)
  -h, --help        this text

The secret is handed over only once Microsoft's token endpoint accepts it (AZURE_AUTHORITY_HOST overrides
the endpoint). The API key comes from the environment variable NOCOBASE_API_TOKEN.
`;

export interface PushArguments {
    readonly help: boolean;
    readonly apiUrl: string | undefined;
    /** undefined: standard input. */
    readonly file: string | undefined;
}

/** Throws a `UsageError` whose message says what is wrong with the command line. */
export function parsePushArguments(argv: readonly string[]): PushArguments {
    const { values, positionals } = parseCommandLine(argv, { "api-url": { type: "string" } }, true);
    if (values["api-url"] === "") {
        throw new UsageError("--api-url needs a value, e.g. --api-url https://crm.example.com/api");
    }
    if (positionals.length > 1) {
        throw new UsageError(`one outputs file at a time (got ${positionals.length})`);
    }
    const file = positionals[0];
    return { help: values.help ?? false, apiUrl: values["api-url"], file: file === "-" ? undefined : file };
}
