/**
 * The `nocobase-entra-mail` tool: picks the command from the registry, renders the usage (the tool's and
 * each command's, one renderer), runs it and maps what it throws to the one exit-code contract.
 */
import { MicrosoftServiceError } from "../microsoft/service-error";
import { redactForeignText } from "../redaction";
import { COMMANDS } from "./command-registry";
import { EXIT_OK, EXIT_USAGE, exitCodeForError, UsageError, type CommandIo, type ToolCommand } from "./command-line";

export const TOOL_NAME = "nocobase-entra-mail";

const CONTRACT_EXIT_USAGE = "the command line or its input is unusable";

export function renderCommandUsage(command: ToolCommand): string {
    return `Usage: ${TOOL_NAME} ${command.name} ${command.synopsis}\n\n${command.description.trimEnd()}\n\n` +
        `Exit codes: 0 ${command.exits.ok}, 1 ${command.exits.failed}, 2 ${CONTRACT_EXIT_USAGE}.\n`;
}

export function renderToolUsage(commands: readonly ToolCommand[] = COMMANDS): string {
    const width = Math.max(...commands.map((c) => c.name.length));
    return `Usage: ${TOOL_NAME} <command> [options]\n\n` +
        "Operations for the stacks of nocobase-entra-mail: plan offline, check live registrations, adopt a\n" +
        "registration made by hand, bootstrap the CI deployer, hand a secret to NocoBase, show what Email Settings\n" +
        "need, and run any of it over a fleet of stacks.\n\nCommands:\n" +
        commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n") +
        `\n\n${TOOL_NAME} <command> --help shows a command's options.\n` +
        `Exit codes: 0 done, 1 findings or a failure while working, 2 ${CONTRACT_EXIT_USAGE}.\n`;
}

/** What a command threw, for stderr: usage mistakes with the usage, our own failures whole, the rest redacted. */
function describeError(command: ToolCommand, err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError) {
        return `${command.name}: ${message}\n\n${renderCommandUsage(command)}`;
    }
    if (exitCodeForError(err) === EXIT_USAGE || err instanceof MicrosoftServiceError) {
        // Built by us from redacted parts, each ending in its fix: printed whole, never cut.
        return `${command.name}: ${message}\n`;
    }
    return `${command.name}: unexpected failure: ${redactForeignText(message)}\n`;
}

export async function runTool(argv: readonly string[], io: CommandIo, commands: readonly ToolCommand[] = COMMANDS): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined) {
        io.stderr(renderToolUsage(commands));
        return EXIT_USAGE;
    }
    if (name === "--help" || name === "-h" || name === "help") {
        const asked = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
        io.stdout(asked === undefined ? renderToolUsage(commands) : renderCommandUsage(asked));
        return EXIT_OK;
    }
    const command = commands.find((c) => c.name === name);
    if (command === undefined) {
        io.stderr(`${TOOL_NAME}: unknown command ${JSON.stringify(redactForeignText(name, { maxLength: 40 }))}.\n\n${renderToolUsage(commands)}`);
        return EXIT_USAGE;
    }
    try {
        const prepared = command.prepare(rest, io.env);
        if (prepared.help) {
            io.stdout(renderCommandUsage(command));
            return EXIT_OK;
        }
        return await prepared.run(io);
    } catch (err) {
        io.stderr(describeError(command, err));
        return exitCodeForError(err);
    }
}
