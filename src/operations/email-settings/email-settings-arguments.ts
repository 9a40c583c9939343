/** Command line of `npm run email-settings`; pure, so that usage errors are tested without a stack. */
import { isGuid } from "../../registration/graph-identifiers";
import { parseCommandLine, UsageError } from "../command-line";
import { STACKS_DIR } from "../plan/stack-file";

export const EMAIL_SETTINGS_USAGE = `Usage: npm run email-settings -- --stack <name> [--outputs <file>] [--show-secret] [--confirm <key ID>]

Prints what NocoBase's Email Settings need for a stack (client ID, tenant, redirect URIs; the client secret
only with --show-secret), the key ID to confirm once it is pasted, and the exact pulumi config set line.
Reads the JSON of
  pulumi stack output --json --stack <name>            (add --show-secrets for --show-secret)
from --outputs <file>, or from standard input.

  --stack <name>        the stack (environment); outputs of another stack are refused
  --outputs <file>      the stack's outputs (default: standard input)
  --show-secret         also print the client secret, to a terminal only (never into a file or a pipe)
  --confirm <key ID>    after pasting: check the key ID against the stack's secrets and write
                        nocobase-entra-mail:pastedSecretKeyId into stacks/Pulumi.<name>.yaml
  --stacks-dir <dir>    where the stack files are (default: stacks)
  -h, --help            this text

Exit status: 0 done, 1 failed, 2 usage error or a key ID that cannot be confirmed.
`;

export interface EmailSettingsArguments {
    readonly help: boolean;
    readonly stack: string;
    /** undefined: standard input. */
    readonly outputs: string | undefined;
    readonly showSecret: boolean;
    /** Key ID to confirm as pasted, lower case; undefined to print only. */
    readonly confirm: string | undefined;
    readonly stacksDir: string;
}

/** Throws a `UsageError` whose message says what is wrong with the command line. */
export function parseEmailSettingsArguments(argv: readonly string[]): EmailSettingsArguments {
    const { values, positionals } = parseCommandLine(argv, {
        stack: { type: "string" }, outputs: { type: "string" }, "show-secret": { type: "boolean" },
        confirm: { type: "string" }, "stacks-dir": { type: "string" },
    }, false);
    const help = values.help ?? false;
    if (help) {
        return { help, stack: "", outputs: undefined, showSecret: false, confirm: undefined, stacksDir: STACKS_DIR };
    }
    if (positionals.length > 0) {
        throw new UsageError("email-settings takes options only; name the stack with --stack <name>.");
    }
    if (values.stack === undefined || values.stack === "") {
        throw new UsageError("--stack is required: the stack whose Email Settings to show, e.g. --stack dev");
    }
    const confirm = values.confirm?.trim();
    if (confirm !== undefined && !isGuid(confirm)) {
        // A key ID is a GUID; anything else may be the secret pasted into the wrong place, so it is never repeated.
        throw new UsageError(`--confirm needs the key ID of the pasted secret (a GUID, as printed by npm run email-settings -- --stack ${values.stack}); ` +
            "the value given is not one (it is not repeated here, in case it is the secret itself).");
    }
    if (confirm !== undefined && values["show-secret"] === true) {
        throw new UsageError("--confirm and --show-secret are separate steps: show and paste the secret first, then confirm its key ID.");
    }
    return {
        help, stack: values.stack, outputs: values.outputs === "-" ? undefined : values.outputs, showSecret: values["show-secret"] ?? false,
        confirm: confirm?.toLowerCase(), stacksDir: values["stacks-dir"] ?? STACKS_DIR,
    };
}
