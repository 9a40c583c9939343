// What NocoBase's Email Settings need, and the confirmation of a pasted secret:
// `npm run email-settings -- --stack <name> [--outputs <file>] [--show-secret] [--confirm <key ID>]`. See EMAIL_SETTINGS_USAGE.
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "../src/operations/command-line";
import { runEmailSettings } from "../src/operations/email-settings/email-settings";
import { EMAIL_SETTINGS_USAGE, parseEmailSettingsArguments, type EmailSettingsArguments } from "../src/operations/email-settings/email-settings-arguments";
import { readStackOutputsText, StackOutputsInputError } from "../src/operations/stack-outputs";
import { redactForeignText } from "../src/redaction";

async function main(): Promise<number> {
    let args: EmailSettingsArguments;
    try {
        args = parseEmailSettingsArguments(process.argv.slice(2));
        if (args.help) {
            process.stdout.write(EMAIL_SETTINGS_USAGE);
            return EXIT_OK;
        }
    } catch (err) {
        process.stderr.write(`email-settings: ${(err as Error).message}\n\n${EMAIL_SETTINGS_USAGE}`);
        return EXIT_USAGE;
    }
    try {
        const outcome = await runEmailSettings(args, {
            readOutputs: () => readStackOutputsText(args.outputs, `npm run email-settings -- --stack ${args.stack}`),
            stdoutIsTerminal: process.stdout.isTTY === true,
            now: () => new Date(),
        });
        process.stdout.write(outcome.output);
        if (outcome.error !== undefined) {
            process.stderr.write(`email-settings: ${outcome.error}\n`);
        }
        return outcome.exitCode;
    } catch (err) {
        process.stderr.write(`email-settings: ${redactForeignText((err as Error).message)}\n`);
        return err instanceof StackOutputsInputError ? EXIT_USAGE : EXIT_FAILED;
    }
}

void main().then((code) => {
    process.exitCode = code;
});
