/**
 * The stack's configuration as `NocobaseMail` inputs, for this project's own program (src/program.ts).
 */
import type { NocobaseMailArgs } from "../nocobase-mail/nocobase-mail-args";
import { readFromStackConfiguration } from "./args-origin";
import { readStackSettings } from "./stack-config";

/**
 * Reads and validates the stack's configuration: a mistake is refused here, before anything is declared,
 * with the messages naming the configuration keys. Each key becomes the input of its name, which the
 * component checks again by the same rules; an unset key stays unset, so the component applies the default.
 */
export function readNocobaseMailArgs(): NocobaseMailArgs {
    const settings = readStackSettings();
    const given = Object.entries(settings.values).filter(([, value]) => value !== undefined && value !== "");
    // The values are the key table's types, which are the inputs' types (lists only read, never changed).
    const args = { ...Object.fromEntries(given), handOverToNocobase: settings.nocobase !== undefined } as unknown as NocobaseMailArgs;
    return readFromStackConfiguration(args);
}
