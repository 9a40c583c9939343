/**
 * `nocobase-entra-mail push-to-nocobase`: writes the stack's client ID and client secret into NocoBase's
 * "Variables and secrets" with the same hand-over as the stack's own NocoBase resource
 * (src/nocobase/handover.ts: the secret only once Microsoft's token endpoint accepts it, a key-ID record
 * beside it, a restart whenever NocoBase reports unapplied changes), for teams whose NocoBase is not
 * reachable from where `pulumi up` runs.
 */
import { NocobaseClient } from "../../nocobase/client";
import { handOver, keyIdRecordName, type EntryChange } from "../../nocobase/handover";
import { apiUrlProblem, normaliseApiUrl, variableNameProblem, variableNamesProblem } from "../../nocobase/variable-names";
import { API_TOKEN_ENV } from "../../nocobase/variables-provider";
import { redactForeignText } from "../../redaction";
import { defineCommand, EXIT_FAILED, EXIT_OK, UsageError, type CommandIo } from "../command-line";
import { parseStackOutputs, readStackOutputsText, type StackOutputs } from "../stack-outputs";
import { readStackOutputsOfStack } from "../stack-outputs-in-memory";
import { PUSH_DESCRIPTION, PUSH_SYNOPSIS, parsePushArguments, type PushArguments } from "./push-arguments";

async function readOutputs(args: PushArguments): Promise<StackOutputs> {
    const { source, json } = args.stack === undefined
        ? await readStackOutputsText(args.file, "nocobase-entra-mail push-to-nocobase")
        : await readStackOutputsOfStack(args.stack, args.projectDir);
    return parseStackOutputs(json, source);
}

function checkSettings(apiUrl: string, outputs: StackOutputs, apiUrlSource: string): void {
    const problems = [
        [apiUrlSource, apiUrlProblem(apiUrl)],
        ["nocobaseClientIdVariable", variableNameProblem(outputs.nocobaseClientIdVariable)],
        ["nocobaseClientSecretVariable", variableNameProblem(outputs.nocobaseClientSecretVariable)],
        ["nocobaseClientSecretVariable", variableNamesProblem(outputs.nocobaseClientIdVariable, outputs.nocobaseClientSecretVariable)],
    ].filter(([, problem]) => problem !== null);
    if (problems.length > 0) {
        // The problems quote the URL as given, which may carry a pasted key: redacted before printing.
        throw new UsageError(redactForeignText(problems.map(([source, problem]) => `${source} ${problem}`).join("; ")));
    }
}

function describeChange(change: EntryChange, what: string): string {
    return change === "unchanged" ? `unchanged (${what})` : `${change} (${what})`;
}

async function push(outputs: StackOutputs, apiUrl: string, apiToken: string, io: CommandIo): Promise<void> {
    let reads = 0;
    let writes = 0;
    const appName = outputs.nocobaseSubApp === undefined || outputs.nocobaseSubApp === "" ? undefined : outputs.nocobaseSubApp;
    const client = new NocobaseClient({
        apiUrl,
        appName,
        apiToken,
        apiTokenHint: `the environment variable ${API_TOKEN_ENV}`,
        apiUrlHint: "--api-url (or the outputs' nocobaseApiUrl)",
        onRequest: (event) => event.kind === "read" ? reads++ : writes++,
    });
    const started = Date.now();
    const report = await handOver(client, {
        clientIdVariable: outputs.nocobaseClientIdVariable,
        clientSecretVariable: outputs.nocobaseClientSecretVariable,
        clientId: outputs.clientId,
        clientSecret: outputs.clientSecret,
        clientSecretKeyId: outputs.clientSecretKeyId,
        tenantId: outputs.tenantId,
        signInAudience: outputs.signInAudience,
        appName,
    }, { rerun: "nocobase-entra-mail push-to-nocobase" });
    const lines = [
        `  ${outputs.nocobaseClientSecretVariable}: ${describeChange(report.secret, `secret, key ID ${outputs.clientSecretKeyId}`)}` +
            (report.secret === "unchanged" ? "" : `, recorded in ${keyIdRecordName(outputs.nocobaseClientSecretVariable)}`),
        `  ${outputs.nocobaseClientIdVariable}: ${describeChange(report.clientId, outputs.clientId)}`,
    ];
    if (report.proof?.kind === "accepted") {
        lines.unshift(`  Microsoft's token endpoint accepted the secret (after ${report.proof.attempts} requests, ${report.proof.waitedMs} ms).`);
    } else if (report.proof?.kind === "unprovable") {
        lines.unshift(`  The secret cannot be proven for a PersonalMicrosoftAccount application; waited ${report.proof.waitedMs} ms for it to replicate.`);
    }
    if (report.restart === "written") {
        lines.push("  NocoBase application restarted so that {{$env}} references use the new values.");
    } else if (report.restart === "pending") {
        lines.push("  NocoBase reported unapplied changes (a restart was lost): restarted it.");
    }
    io.stdout(`NocoBase at ${apiUrl} (environment ${outputs.environment}):\n${lines.join("\n")}\n` +
        `nocobase requests: reads=${reads} writes=${writes} in ${Date.now() - started} ms\n`);
}

async function runPush(args: PushArguments, io: CommandIo): Promise<number> {
    const apiToken = io.env[API_TOKEN_ENV]?.trim() ?? "";
    if (apiToken === "") {
        throw new UsageError(`${API_TOKEN_ENV} is not set: export the NocoBase API key (Settings → API keys) as ${API_TOKEN_ENV}`);
    }
    const outputs = await readOutputs(args);
    const apiUrl = normaliseApiUrl(args.apiUrl ?? outputs.nocobaseApiUrl);
    checkSettings(apiUrl, outputs, args.apiUrl === undefined ? "nocobaseApiUrl (from the outputs)" : "--api-url");
    try {
        await push(outputs, apiUrl, apiToken, io);
        return EXIT_OK;
    } catch (err) {
        // Hand-over errors are free of the key and of written values; nothing else is printed.
        io.stderr(`push-to-nocobase: ${(err as Error).message}\n`);
        return EXIT_FAILED;
    }
}

export const pushCommand = defineCommand({
    name: "push-to-nocobase",
    summary: "hand a stack's client ID and secret to NocoBase from where NocoBase is reachable",
    synopsis: PUSH_SYNOPSIS,
    description: PUSH_DESCRIPTION,
    exits: { ok: "done (or nothing to do)", failed: "the hand-over failed" },
    parse: (argv) => parsePushArguments(argv),
    run: runPush,
});
