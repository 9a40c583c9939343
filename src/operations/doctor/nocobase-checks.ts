/**
 * `--nocobase`: the NocoBase end of an environment. Reads NocoBase's variables (one request) and judges
 * them against the stack's outputs: the secret entry, the key ID recorded beside it by the hand-over,
 * unapplied changes (a lost restart), and the API key's own expiry (its JWT `exp`). Never prints the key
 * or a secret: NocoBase's list carries no secret value, and findings name key IDs only.
 */
import { API_TOKEN_KEY } from "../../configuration/config-keys";
import { configChangeCommand } from "../../configuration/settings";
import { apiKeyExpiry } from "../../nocobase/api-key";
import { NocobaseClient, type NocobaseVariableList } from "../../nocobase/client";
import { holdsSecret, keyIdRecordName } from "../../nocobase/handover";
import { API_TOKEN_ENV } from "../../nocobase/variables-provider";
import type { StackOutputs } from "../stack-outputs";
import type { Finding } from "./findings";

const DAY_MS = 86_400_000;

/** Findings about the NocoBase API key of `stack` itself. Pure. */
export function findingsFromApiKey(stack: string, expiresAt: Date | undefined, now: Date, warnDays: number): Finding[] {
    if (expiresAt === undefined) {
        return [];
    }
    const fix = `Create a new API key in NocoBase (Settings → API keys) and set it where the hand-over runs: ` +
        `${configChangeCommand(stack, { key: API_TOKEN_KEY, value: "<API key>", secret: true })}, and ${API_TOKEN_ENV} for the doctor and push-to-nocobase.`;
    const days = Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS);
    if (expiresAt.getTime() <= now.getTime()) {
        return [{ code: "nocobase-api-key-expired", severity: "error", message: `The NocoBase API key expired on ${expiresAt.toISOString()}.`, fix }];
    }
    if (days < warnDays) {
        return [{
            code: "nocobase-api-key-expiring", severity: "warning",
            message: `The NocoBase API key expires on ${expiresAt.toISOString()}, in ${days} days (warning threshold ${warnDays} days).`, fix,
        }];
    }
    return [];
}

/** Findings about what NocoBase holds. Pure. */
export function findingsFromNocobase(expected: StackOutputs, state: NocobaseVariableList): Finding[] {
    const findings: Finding[] = [];
    const rerun = `nocobase-entra-mail push-to-nocobase (or pulumi up --stack ${expected.environment})`;
    const secretName = expected.nocobaseClientSecretVariable;
    const secret = state.variables.find((v) => v.name === secretName);
    if (secret === undefined || secret.type !== "secret") {
        findings.push({
            code: "nocobase-secret-missing", severity: "error",
            message: secret === undefined
                ? `NocoBase has no variable ${secretName}.`
                : `NocoBase holds ${secretName} as a plain variable (type ${secret.type}), not as a secret.`,
            fix: `Run ${rerun}: it writes the secret as type secret.`,
        });
    } else if (!holdsSecret(state.variables, secretName, expected.clientSecretKeyId)) {
        const record = state.variables.find((v) => v.name === keyIdRecordName(secretName));
        findings.push({
            code: "nocobase-key-id-stale", severity: "error",
            message: `NocoBase holds the client secret with key ID ${record?.value ?? "(not recorded)"} in ${secretName}, ` +
                `not the stack's current secret ${expected.clientSecretKeyId}.`,
            fix: `Run ${rerun} before ${expected.nextRotationAt}, when the next rotation may retire the secret NocoBase holds.`,
        });
    }
    if (state.restartPending) {
        findings.push({
            code: "nocobase-restart-pending", severity: "error",
            message: "NocoBase reports variable changes it has not applied (a restart is pending): parts of NocoBase that cached {{$env}} still use the old values.",
            fix: `Run ${rerun} (it restarts NocoBase when changes are pending), or restart NocoBase.`,
        });
    }
    return findings;
}

/** Reads NocoBase's variables for the environment and judges them and the API key. */
export async function checkNocobase(expected: StackOutputs, apiToken: string, options: { now: Date; warnDays: number; timeoutMs: number }): Promise<Finding[]> {
    const keyFindings = findingsFromApiKey(expected.environment, apiKeyExpiry(apiToken), options.now, options.warnDays);
    if (keyFindings.some((f) => f.code === "nocobase-api-key-expired")) {
        return keyFindings;
    }
    const client = new NocobaseClient({
        apiUrl: expected.nocobaseApiUrl,
        ...(expected.nocobaseSubApp ? { appName: expected.nocobaseSubApp } : {}),
        apiToken,
        apiTokenHint: `the environment variable ${API_TOKEN_ENV}`,
        apiUrlHint: "the outputs' nocobaseApiUrl",
        timeoutMs: options.timeoutMs,
    });
    const secretName = expected.nocobaseClientSecretVariable;
    const state = await client.listVariables([secretName, keyIdRecordName(secretName)]);
    return [...findingsFromNocobase(expected, state), ...keyFindings];
}
