/** Command line of `nocobase-entra-mail push-to-nocobase`; pure, so that usage errors are tested without NocoBase. */
import * as path from "node:path";
import { parseCommandLine, UsageError } from "../command-line";

export const PUSH_SYNOPSIS = "[--api-url <url>] [<outputs.json>] | [--api-url <url>] --stack <name> [--project <dir>]";

export const PUSH_DESCRIPTION = `Writes the client ID and client secret from a stack's outputs into NocoBase's "Variables and secrets",
for when NocoBase cannot be reached from where \`pulumi up\` runs. Reads the JSON of
  pulumi stack output --json --show-secrets --stack <name>
from the file given, or from standard input when no file (or "-") is given; with --stack, from the
stack itself through Pulumi's Automation API, in memory (no file holds the secret).

  --api-url <url>   NocoBase's API base URL, ending in /api (default: the outputs' nocobaseApiUrl)
  --stack <name>    read the outputs of this stack
  --project <dir>   the Pulumi project of --stack (default: the current folder)
  -h, --help        this text

The secret is handed over only once Microsoft's token endpoint accepts it (AZURE_AUTHORITY_HOST overrides
the endpoint). The API key comes from the environment variable NOCOBASE_API_TOKEN.
`;

export interface PushArguments {
    readonly help: boolean;
    readonly apiUrl: string | undefined;
    /** undefined: standard input (or the stack). */
    readonly file: string | undefined;
    /** The stack whose outputs are read in memory; undefined: the file or standard input. */
    readonly stack: string | undefined;
    /** The Pulumi project of `stack` (absolute). */
    readonly projectDir: string;
}

/** Throws a `UsageError` whose message says what is wrong with the command line. */
export function parsePushArguments(argv: readonly string[], cwd = process.cwd()): PushArguments {
    const { values, positionals } = parseCommandLine(argv, {
        "api-url": { type: "string" }, stack: { type: "string" }, project: { type: "string" },
    }, true);
    if (values["api-url"] === "") {
        throw new UsageError("--api-url needs a value, e.g. --api-url https://crm.example.com/api");
    }
    if (positionals.length > 1) {
        throw new UsageError(`one outputs file at a time (got ${positionals.length})`);
    }
    if (values.stack !== undefined && positionals.length > 0) {
        throw new UsageError("give an outputs file or --stack, not both.");
    }
    if (values.stack === "") {
        throw new UsageError("--stack needs a stack name, e.g. --stack prod.");
    }
    if (values.project !== undefined && values.stack === undefined) {
        throw new UsageError("--project applies only with --stack <name>.");
    }
    const file = positionals[0];
    return {
        help: values.help ?? false, apiUrl: values["api-url"], file: file === "-" ? undefined : file,
        stack: values.stack, projectDir: path.resolve(cwd, values.project ?? "."),
    };
}
