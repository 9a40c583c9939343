/**
 * What every command of the `nocobase-entra-mail` tool (and bench:doctor) shares on its command line:
 * `node:util`'s `parseArgs`, `-h`/`--help`, one exit-code contract and the shape of a command that
 * src/operations/command-registry.ts lists.
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

/**
 * The input the command was pointed at (a stack file, an outputs file, stdin) cannot be used as it is; the
 * command prints the message, without its usage, and exits 2.
 */
export class UnusableInputError extends Error {
    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = "UnusableInputError";
    }
}

/** What `read` returns; whatever it throws (an environment variable that is no URL, say) makes the input unusable. */
export function readInput<T>(read: () => T): T {
    try {
        return read();
    } catch (err) {
        throw new UnusableInputError((err as Error).message, { cause: err });
    }
}

/**
 * The one mapping from a command's error to its exit code: its command line or input is unusable (2),
 * anything else went wrong while working (1). A sign-in failure is a failure while working: exit 1 in every
 * command, as the contract says.
 */
export function exitCodeForError(err: unknown): typeof EXIT_FAILED | typeof EXIT_USAGE {
    return err instanceof UsageError || err instanceof UnusableInputError ? EXIT_USAGE : EXIT_FAILED;
}

/** Where a command writes and what it reads from its environment; the tool passes the process's own. */
export interface CommandIo {
    stdout(text: string): void;
    stderr(text: string): void;
    readonly env: NodeJS.ProcessEnv;
}

interface CommandAbout {
    /** The word after `nocobase-entra-mail`. */
    readonly name: string;
    /** One line for the tool's own help. */
    readonly summary: string;
    /** What follows `nocobase-entra-mail <name>` on the usage line, e.g. "--stack <name> [options]". */
    readonly synopsis: string;
    /** What the command does, its options, credentials; the usage renderer adds the usage and exit-code lines. */
    readonly description: string;
    /** What exit 0 and exit 1 mean for this command; 2 is always an unusable command line or input. */
    readonly exits: { readonly ok: string; readonly failed: string };
}

/**
 * A command as its folder in src/operations/ defines it: a parser (throws `UsageError`, no side effects)
 * and a run function (returns the exit code of its outcome; throws `UsageError`/`UnusableInputError` for
 * unusable input, anything else for a failure while working).
 */
export interface CommandDefinition<A extends { readonly help: boolean }> extends CommandAbout {
    parse(argv: readonly string[], env: NodeJS.ProcessEnv): A;
    run(args: A, io: CommandIo): Promise<number>;
}

/** A command as the registry holds it: its arguments' type no longer matters once parsed. */
export interface ToolCommand extends CommandAbout {
    prepare(argv: readonly string[], env: NodeJS.ProcessEnv): { readonly help: boolean; run(io: CommandIo): Promise<number> };
}

export function defineCommand<A extends { readonly help: boolean }>(definition: CommandDefinition<A>): ToolCommand {
    const { name, summary, synopsis, description, exits } = definition;
    return {
        name, summary, synopsis, description, exits,
        prepare(argv, env) {
            const args = definition.parse(argv, env);
            return { help: args.help, run: (io) => definition.run(args, io) };
        },
    };
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
