/**
 * npm run push-to-nocobase -- [--api-url <url>] [<outputs.json>]
 * Writes the stack's client ID and client secret into NocoBase's "Variables and secrets", as the
 * stack's own NocoBase resource does, for teams whose NocoBase is not reachable from where `pulumi up`
 * runs. See PUSH_USAGE.
 *
 * Idempotent: nothing is written when NocoBase already holds these values. The client ID is compared
 * directly. NocoBase never returns a secret's plaintext (`get` gives ciphertext under a random IV), so
 * the secret cannot be compared; instead, after writing a secret this command records its key ID in a
 * plain variable `<secret variable>_KEY_ID` (a key ID is an identifier, not a credential). A later run
 * writes the secret only when that record differs from the outputs' clientSecretKeyId, i.e. after a
 * rotation, or when the secret entry is missing or not of type secret.
 */
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "../src/command-line";
import { NocobaseClient } from "../src/nocobase/client";
import { redactForeignText } from "../src/redaction";
import { PUSH_USAGE, parsePushArguments, type PushArguments } from "../src/nocobase/push-arguments";
import { apiUrlProblem, normaliseApiUrl, variableNameProblem, variableNamesProblem } from "../src/nocobase/variable-names";
import { API_TOKEN_ENV, writeVariable } from "../src/nocobase/variables-provider";
import { parseStackOutputs, readStackOutputsText, StackOutputsInputError, type StackOutputs } from "../src/stack-outputs";

/** Suffix of the plain variable that records which secret (by key ID) was last written. */
export const KEY_ID_RECORD_SUFFIX = "_KEY_ID";

async function readOutputs(args: PushArguments): Promise<StackOutputs> {
    const { source, json } = await readStackOutputsText(args.file, "npm run push-to-nocobase");
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

async function push(outputs: StackOutputs, apiUrl: string, apiToken: string): Promise<void> {
    let reads = 0;
    let writes = 0;
    const client = new NocobaseClient({
        apiUrl,
        appName: outputs.nocobaseSubApp === undefined || outputs.nocobaseSubApp === "" ? undefined : outputs.nocobaseSubApp,
        apiToken,
        apiTokenHint: `the environment variable ${API_TOKEN_ENV}`,
        apiUrlHint: "--api-url (or the outputs' nocobaseApiUrl)",
        onRequest: (event) => event.kind === "read" ? reads++ : writes++,
    });
    const idName = outputs.nocobaseClientIdVariable;
    const secretName = outputs.nocobaseClientSecretVariable;
    const recordName = `${secretName}${KEY_ID_RECORD_SUFFIX}`;
    const started = Date.now();
    const [idEntry, secretEntry, recordEntry] = [
        await client.getVariable(idName), await client.getVariable(secretName), await client.getVariable(recordName),
    ];
    const lines: string[] = [];
    const secretCurrent = secretEntry?.type === "secret" && recordEntry?.type === "default" &&
        recordEntry.value === outputs.clientSecretKeyId;
    if (secretCurrent) {
        lines.push(`  ${secretName}: unchanged (key ID ${outputs.clientSecretKeyId})`);
    } else {
        await writeVariable(client, secretName, "secret", outputs.clientSecret, secretEntry);
        lines.push(`  ${secretName}: ${secretEntry === undefined ? "created" : "updated"} as a secret (key ID ${outputs.clientSecretKeyId})`);
        await writeVariable(client, recordName, "default", outputs.clientSecretKeyId, recordEntry);
    }
    const wroteId = await writeVariable(client, idName, "default", outputs.clientId, idEntry);
    lines.push(`  ${idName}: ${wroteId ? (idEntry === undefined ? "created" : "updated") : "unchanged"} (${outputs.clientId})`);
    if (wroteId || !secretCurrent) {
        await client.refreshApp();
        lines.push("  NocoBase application restarted so that {{$env}} references use the new values.");
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
        // NocobaseError messages are free of the key and of written values; nothing else is printed.
        process.stderr.write(`push-to-nocobase: ${(err as Error).message}\n`);
        return EXIT_FAILED;
    }
}

void main().then((code) => {
    process.exitCode = code;
});
