/** `nocobase-entra-mail doctor`: live check of Microsoft Entra registrations against their stacks' outputs. */
import { createDefaultCredential, signInTo } from "../../microsoft/credentials";
import { resolveMicrosoftEndpoints } from "../../microsoft/endpoints";
import { GraphClient } from "../../microsoft/graph-client";
import { API_TOKEN_ENV } from "../../nocobase/variables-provider";
import { redactForeignText } from "../../redaction";
import { defineCommand, readInput, UnusableInputError, UsageError, type CommandIo } from "../command-line";
import { HIDDEN_SECRET_PLACEHOLDER, hiddenSecretRefusal, readStackOutputsText, type StackOutputsText } from "../stack-outputs";
import { readStackOutputsOfStack } from "../stack-outputs-in-memory";
import { checkEnvironments } from "./check-environments";
import { DOCTOR_DESCRIPTION, DOCTOR_SYNOPSIS, parseDoctorArguments, type DoctorArguments } from "./doctor-arguments";
import { exitCodeFor } from "./findings";
import { checkNocobase } from "./nocobase-checks";
import { renderJson, renderTable } from "./report-rendering";
import { probeSecret } from "./secret-probe";

function readDocuments(args: DoctorArguments): Promise<StackOutputsText[]> {
    if (args.stacks.length > 0) {
        return Promise.all(args.stacks.map((stack) => readStackOutputsOfStack(stack, args.projectDir)));
    }
    const files = args.files.length === 0 ? [undefined] : args.files;
    return Promise.all(files.map((file) => readStackOutputsText(file, "nocobase-entra-mail doctor")));
}

/** Every clientSecret value in the inputs, to redact from whatever we print; Pulumi's placeholder is none. */
function secretsIn(documents: readonly StackOutputsText[]): string[] {
    return documents.flatMap((doc) => {
        const found: string[] = [];
        JSON.parse(doc.json, (key, value: unknown) => {
            if (key === "clientSecret" && typeof value === "string" && value !== HIDDEN_SECRET_PLACEHOLDER) found.push(value);
            return value;
        });
        return found;
    });
}

/**
 * --probe-secret needs the secret itself: outputs printed without --show-secrets are unusable for it, refused
 * before any sign-in. Unparsable documents are left to the per-environment report.
 */
function refuseHiddenSecrets(documents: readonly StackOutputsText[]): void {
    const hidden = documents.filter((doc) => {
        let parsed: unknown;
        try {
            parsed = JSON.parse(doc.json);
        } catch {
            return false;
        }
        return (Array.isArray(parsed) ? parsed : [parsed]).some((item) =>
            typeof item === "object" && item !== null && (item as { clientSecret?: unknown }).clientSecret === HIDDEN_SECRET_PLACEHOLDER);
    });
    if (hidden.length > 0) {
        throw new UnusableInputError(`${hiddenSecretRefusal(hidden.map((doc) => doc.source), "--probe-secret")}, or drop --probe-secret.`);
    }
}

async function runDoctor(args: DoctorArguments, io: CommandIo): Promise<number> {
    const endpoints = readInput(() => resolveMicrosoftEndpoints(io.env));
    const nocobaseApiToken = io.env[API_TOKEN_ENV]?.trim() ?? "";
    if (args.nocobase && nocobaseApiToken === "") {
        throw new UsageError(`--nocobase needs the NocoBase API key in ${API_TOKEN_ENV}.`);
    }
    const documents = await readDocuments(args);
    if (args.probeSecret) {
        refuseHiddenSecrets(documents);
    }
    // The doctor's own secret, if it signs in with one, is guarded like the stacks' secrets.
    let secrets: string[] = [io.env.AZURE_CLIENT_SECRET ?? ""];
    try {
        secrets = [...secrets, ...secretsIn(documents)];
    } catch {
        // Unparsable input is reported per environment below, without quoting it.
    }
    const credential = createDefaultCredential(endpoints, undefined, io.env);
    const timeoutMs = args.timeoutSeconds * 1000;
    const clients = new Map<string, GraphClient>();
    const reports = await checkEnvironments(documents, args, {
        signIn: (tenantId) => signInTo(credential, endpoints, tenantId, timeoutMs),
        graphFor(tenantId) {
            let client = clients.get(tenantId);
            if (!client) {
                client = new GraphClient({ credential, endpoints, tenantId, timeoutMs });
                clients.set(tenantId, client);
            }
            return client;
        },
        probe: (expected) => probeSecret(expected, endpoints, timeoutMs),
        nocobase: (expected) => checkNocobase(expected, nocobaseApiToken, { now: new Date(), warnDays: args.warnDays, timeoutMs }),
        now: () => new Date(),
    });
    const rendered = args.json ? renderJson(reports, new Date()) : renderTable(reports, process.stdout.columns || 100);
    io.stdout(redactForeignText(rendered, { secrets: nocobaseApiToken === "" ? secrets : [...secrets, nocobaseApiToken], maxLength: Number.POSITIVE_INFINITY }));
    return exitCodeFor(reports);
}

export const doctorCommand = defineCommand({
    name: "doctor",
    summary: "check live Entra registrations (and with --nocobase, NocoBase) against stack outputs",
    synopsis: DOCTOR_SYNOPSIS,
    description: DOCTOR_DESCRIPTION,
    exits: { ok: "healthy", failed: "findings or an environment could not be checked (a sign-in failure included)" },
    parse: (argv) => parseDoctorArguments(argv),
    run: runDoctor,
});
