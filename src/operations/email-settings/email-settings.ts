/**
 * `npm run email-settings`: what an administrator types into NocoBase's Email Settings for a stack in
 * `pasted` mode, and the confirmation of the pasted key ID that keeps the rotation from deleting it
 * (src/registration/pasted-secret.ts). The secret is printed only when asked for, and only to a terminal.
 */
import { configChangeCommand } from "../../configuration/settings";
import { quoteForeign } from "../../redaction";
import { EXIT_OK, EXIT_USAGE, UsageError } from "../command-line";
import { stackFilePath, writeStackFileValues } from "../adoption/stack-file-update";
import { readStackFile } from "../plan/stack-file";
import { parseStackOutputs, type StackOutputs, type StackOutputsText } from "../stack-outputs";
import type { EmailSettingsArguments } from "./email-settings-arguments";

export interface EmailSettingsServices {
    /** The stack's outputs as text (from --outputs or standard input). */
    readonly readOutputs: () => Promise<StackOutputsText>;
    /** Whether standard output is a terminal: the secret is never written elsewhere. */
    readonly stdoutIsTerminal: boolean;
    readonly now: () => Date;
}

export interface EmailSettingsOutcome {
    readonly output: string;
    readonly error?: string;
    readonly exitCode: number;
}

function line(label: string, value: string): string {
    return `  ${label.padEnd(18)}${value}`;
}

/** The outputs of `--stack`, refusing another stack's. */
function outputsOf(text: StackOutputsText, args: EmailSettingsArguments): StackOutputs {
    let outputs: StackOutputs;
    try {
        outputs = parseStackOutputs(text.json, text.source, { needsSecret: args.showSecret });
    } catch (err) {
        throw new UsageError((err as Error).message, { cause: err });
    }
    if (outputs.environment !== args.stack) {
        throw new UsageError(`${quoteForeign(text.source)} holds the outputs of stack ${quoteForeign(outputs.environment)}, not of "${args.stack}". ` +
            `Fix: pulumi stack output --json --stack ${args.stack} | npm run email-settings -- --stack ${args.stack}`);
    }
    return outputs;
}

function show(outputs: StackOutputs, args: EmailSettingsArguments, stdoutIsTerminal: boolean): string {
    if (args.showSecret && !stdoutIsTerminal) {
        throw new UsageError("--show-secret prints the client secret to a terminal only, never into a file or a pipe; " +
            "run it in a terminal without redirecting its output.");
    }
    const stack = args.stack;
    const keyId = outputs.clientSecretKeyId;
    const lines = [`Email Settings of NocoBase for stack "${stack}" (Settings > Email Settings, Microsoft / Outlook):`];
    if (outputs.emailSettings !== "pasted") {
        lines.push(`  This stack hands over through variables (emailSettings ${outputs.emailSettings ?? "not set"}). If an administrator pastes the values ` +
            `below instead, switch first: ${configChangeCommand(stack, { key: "emailSettings", value: "pasted" })}`);
    }
    lines.push(line("Client ID", outputs.clientId));
    lines.push(line("Tenant", outputs.tenantId));
    lines.push(line("Client secret", args.showSecret ? outputs.clientSecret
        : `not shown; add --show-secret (with pulumi stack output --json --show-secrets) to print it here`));
    lines.push(line("  its key ID", `${keyId} (expires ${outputs.clientSecretExpiresAt})`));
    outputs.redirectUris.forEach((uri, i) => lines.push(line(i === 0 ? "Redirect URIs" : "", uri)));
    const pasted = outputs.pastedSecret;
    if (pasted?.confirmedKeyId !== undefined) {
        lines.push(line("Confirmed pasted", `${pasted.confirmedKeyId} (expires ${pasted.confirmedExpiresAt ?? "?"})`));
    }
    if (pasted?.confirmedKeyId !== undefined && pasted.awaitingKeyId === undefined) {
        lines.push("Email Settings hold the newest secret; nothing to paste until the next rotation.");
    } else {
        lines.push("");
        lines.push(`After pasting, confirm the key ID${pasted?.pasteBy === undefined ? "" : ` before ${pasted.pasteBy}`}, so no rotation deletes it:`);
        lines.push(`  npm run email-settings -- --stack ${stack} --outputs <outputs.json> --confirm ${keyId}`);
        lines.push(`  (or: ${configChangeCommand(stack, { key: "pastedSecretKeyId", value: keyId })})`);
        lines.push("then run pulumi up, which records it.");
    }
    return `${lines.join("\n")}\n`;
}

function confirm(outputs: StackOutputs, args: EmailSettingsArguments, keyId: string, now: Date): string {
    const stack = args.stack;
    const secret = (outputs.managedSecrets ?? []).find((s) => s.keyId.toLowerCase() === keyId);
    const offered = `npm run email-settings -- --stack ${stack} --show-secret, paste it, then --confirm ${outputs.clientSecretKeyId}`;
    if (secret === undefined) {
        throw new UsageError(`${keyId} is not one of stack ${stack}'s client secrets (${(outputs.managedSecrets ?? []).map((s) => s.keyId).join(", ")}): ` +
            `it may have been deleted by a rotation or belong to another stack; nothing was written. Fix: ${offered}`);
    }
    if (Date.parse(secret.expiresAt) <= now.getTime()) {
        throw new UsageError(`${keyId} expired on ${secret.expiresAt}; Microsoft refuses it, so it cannot be what Email Settings should hold; ` +
            `nothing was written. Fix: ${offered}`);
    }
    const stackFile = readStackFile(stack, args.stacksDir);
    if (stackFile.config.emailSettings === "variables") {
        throw new UsageError(`stack ${stack} sets emailSettings to variables, where no pasted secret is kept; nothing was written. ` +
            `Fix: ${configChangeCommand(stack, { key: "emailSettings", value: "pasted" })}, then confirm again.`);
    }
    const file = stackFilePath(stack, args.stacksDir);
    writeStackFileValues(file, { pastedSecretKeyId: keyId });
    return `Confirmed: Email Settings of stack "${stack}" hold the secret ${keyId} (expires ${secret.expiresAt}); ` +
        `written to ${file} as nocobase-entra-mail:pastedSecretKeyId (the same as ${configChangeCommand(stack, { key: "pastedSecretKeyId", value: keyId })}).\n` +
        `Run pulumi up --stack ${stack}: from then on no run deletes that secret.\n`;
}

/** Runs the command; usage mistakes and unconfirmable key IDs exit 2 with nothing written. */
export async function runEmailSettings(args: EmailSettingsArguments, services: EmailSettingsServices): Promise<EmailSettingsOutcome> {
    try {
        const outputs = outputsOf(await services.readOutputs(), args);
        const output = args.confirm === undefined ? show(outputs, args, services.stdoutIsTerminal) : confirm(outputs, args, args.confirm, services.now());
        return { output, exitCode: EXIT_OK };
    } catch (err) {
        if (err instanceof UsageError) {
            return { output: "", error: err.message, exitCode: EXIT_USAGE };
        }
        throw err;
    }
}
