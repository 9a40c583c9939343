/**
 * `nocobase-entra-mail email-settings`: what an administrator pastes into NocoBase's Email Settings for a
 * stack, and the checked confirmation of the pasted secret's key ID.
 */
import { defineCommand, type CommandIo } from "../command-line";
import { readStackOutputsText } from "../stack-outputs";
import { runEmailSettings } from "./email-settings";
import {
    EMAIL_SETTINGS_DESCRIPTION, EMAIL_SETTINGS_SYNOPSIS, parseEmailSettingsArguments, type EmailSettingsArguments,
} from "./email-settings-arguments";

async function run(args: EmailSettingsArguments, io: CommandIo): Promise<number> {
    const outcome = await runEmailSettings(args, {
        readOutputs: () => readStackOutputsText(args.outputs, `nocobase-entra-mail email-settings --stack ${args.stack}`),
        stdoutIsTerminal: process.stdout.isTTY === true,
        now: () => new Date(),
    });
    io.stdout(outcome.output);
    if (outcome.error !== undefined) {
        io.stderr(`email-settings: ${outcome.error}\n`);
    }
    return outcome.exitCode;
}

export const emailSettingsCommand = defineCommand({
    name: "email-settings",
    summary: "what NocoBase's Email Settings need for a stack, and the confirmation of a pasted secret",
    synopsis: EMAIL_SETTINGS_SYNOPSIS,
    description: EMAIL_SETTINGS_DESCRIPTION,
    exits: { ok: "shown, or the confirmation written", failed: "the stack's outputs could not be read" },
    parse: (argv) => parseEmailSettingsArguments(argv),
    run,
});
