/**
 * npm run push-to-nocobase -- [--api-url <url>] [<outputs.json>]
 * Writes the stack's client ID and client secret into NocoBase's "Variables and secrets" with the same
 * hand-over as the stack's own NocoBase resource (src/nocobase/handover.ts: the secret only once
 * Microsoft's token endpoint accepts it, a key-ID record beside it, a restart whenever NocoBase reports
 * unapplied changes), for teams whose NocoBase is not reachable from where `pulumi up` runs. See PUSH_USAGE.
 */
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "../src/operations/command-line";
import { NocobaseClient } from "../src/nocobase/client";
import { handOver, keyIdRecordName, type EntryChange } from "../src/nocobase/handover";
import { PUSH_USAGE, parsePushArguments, type PushArguments } from "../src/operations/push/push-arguments";
import { apiUrlProblem, normaliseApiUrl, variableNameProblem, variableNamesProblem } from "../src/nocobase/variable-names";
import { API_TOKEN_ENV } from "../src/nocobase/variables-provider";
import { redactForeignText } from "../src/redaction";
import { readStackOutputsOfStack } from "../src/operations/stack-outputs-in-memory";
import { parseStackOutputs, readStackOutputsText, StackOutputsInputError, type StackOutputs } from "../src/operations/stack-outputs";

async function readOutputs(args: PushArguments): Promise<StackOutputs> {
    const { source, json } = args.stack === undefined
        ? await readStackOutputsText(args.file, "npm run push-to-nocobase")
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

async function push(outputs: StackOutputs, apiUrl: string, apiToken: string): Promise<void> {
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
    }, { rerun: "npm run push-to-nocobase" });
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
    process.stdout.write(`NocoBase at ${apiUrl} (environment ${outputs.environment}):\n${lines.join("\n")}\n` +
        `nocobase requests: reads=${reads} writes=${writes} in ${Date.now() - started} ms\n`);
}

async function main(): Promise<number> {
    let outputs: StackOutputs;
    let apiUrl: string;
    let apiToken: string;
    try {
        const args = parsePushArguments(process.argv.slice(2));
        if (args.help) {
            process.stdout.write(PUSH_USAGE);
            return EXIT_OK;
        }
        const token = process.env[API_TOKEN_ENV];
        if (token === undefined || token.trim() === "") {
            throw new UsageError(`${API_TOKEN_ENV} is not set: export the NocoBase API key (Settings → API keys) as ${API_TOKEN_ENV}`);
        }
        apiToken = token.trim();
        outputs = await readOutputs(args);
        apiUrl = normaliseApiUrl(args.apiUrl ?? outputs.nocobaseApiUrl);
        checkSettings(apiUrl, outputs, args.apiUrl === undefined ? "nocobaseApiUrl (from the outputs)" : "--api-url");
    } catch (err) {
        const usage = err instanceof UsageError || err instanceof StackOutputsInputError;
        process.stderr.write(`push-to-nocobase: ${(err as Error).message}\n${usage ? `\n${PUSH_USAGE}` : ""}`);
        return usage ? EXIT_USAGE : EXIT_FAILED;
    }
    try {
        await push(outputs, apiUrl, apiToken);
        return EXIT_OK;
    } catch (err) {
        // Hand-over errors are free of the key and of written values; nothing else is printed.
        process.stderr.write(`push-to-nocobase: ${(err as Error).message}\n`);
        return EXIT_FAILED;
    }
}

void main().then((code) => {
    process.exitCode = code;
});
