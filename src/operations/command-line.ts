/**
 * What every command (plan, doctor, adopt, bootstrap-deployer, push-to-nocobase, email-settings, fleet, bench:doctor,
 * bench:fleet) shares on its command line: `node:util`'s `parseArgs`, `-h`/`--help`, and one exit-code contract.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { redactForeignText } from "../redaction";

/** 0 done and healthy; 1 findings or a failure while working; 2 the command line or its input is unusable. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The command line cannot be used as given; the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {
    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = "UsageError";
    }
}

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const satisfies ParseArgsOptionsConfig;

/**
 * `parseArgs` in strict mode with `--help` added. Its own complaints become a `UsageError`; they quote
 * what was typed, which may be a key pasted after the wrong option, so they are redacted first.
 */
export function parseCommandLine<const O extends ParseArgsOptionsConfig>(argv: readonly string[], options: O,
    allowPositionals: boolean) {
    try {
        return parseArgs({ args: [...argv], options: { ...options, ...HELP_OPTION }, allowPositionals, strict: true });
    } catch (err) {
        throw new UsageError(redactForeignText((err as Error).message), { cause: err });
    }
}

/** A whole number within bounds, from an option's text. */
export function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, got ${JSON.stringify(redactForeignText(value, { maxLength: 40 }))}.`);
    }
    return Number(value);
}
