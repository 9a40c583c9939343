/**
 * The hand-over of the client ID and secret to NocoBase, shared by the Pulumi resource and
 * `nocobase-entra-mail push-to-nocobase`, so that both follow one protocol:
 *
 * 1. One read of the three entries (client ID, secret, the secret's key-ID record) with NocoBase's own
 *    flag for unapplied changes (`meta.updated` of `environmentVariables:list`).
 * 2. NocoBase never returns a secret's plaintext, so which secret it holds is known from the plain record
 *    `<secret variable>_KEY_ID` written with it (a key ID is an identifier, not a credential). The secret
 *    is written when the record names another key ID, or the entry is missing or not of type secret.
 * 3. Before the first write: the server must answer as NocoBase's API, as the application the settings
 *    name (`app:getInfo`); then the secret must be accepted by Microsoft's token endpoint (secret-proof.ts).
 * 4. Entries of names no longer used (a rename) are removed.
 * 5. NocoBase restarts (`app:refresh`) whenever something was written OR NocoBase reports unapplied
 *    changes: a run after a lost restart finishes the job. Nothing pending and nothing to write: no write.
 */
import type { NocobaseClient, NocobaseVariable, VariableType } from "./client";
import { proveSecretAccepted, type SecretProofOptions, type SecretProofResult } from "./secret-proof";

/** Suffix of the plain variable that records which secret (by key ID) NocoBase holds. */
const KEY_ID_RECORD_SUFFIX = "_KEY_ID";

export function keyIdRecordName(clientSecretVariable: string): string {
    return `${clientSecretVariable}${KEY_ID_RECORD_SUFFIX}`;
}

/** What NocoBase is to hold, and what proving the secret at Microsoft needs. */
export interface HandoverValues {
    readonly clientIdVariable: string;
    readonly clientSecretVariable: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly clientSecretKeyId: string;
    /** The application's home tenant, where the secret is proven before hand-over. */
    readonly tenantId: string;
    /** The application's sign-in audience: decides whether a proof is possible. */
    readonly signInAudience: string;
}

interface HandoverRequest extends HandoverValues {
    /** Sub-application expected to answer; undefined for the main application. */
    readonly appName?: string;
    /** Entries to remove after the writes (the names before a rename), within the same restart. */
    readonly obsoleteVariables?: readonly string[];
}

interface HandoverOptions {
    /** The command that retries the hand-over, quoted in errors (e.g. "pulumi up"). */
    readonly rerun: string;
    readonly proof?: SecretProofOptions;
}

export type EntryChange = "created" | "updated" | "unchanged";

interface HandoverReport {
    readonly secret: EntryChange;
    readonly clientId: EntryChange;
    /** Why NocoBase was restarted; undefined when it was not. */
    readonly restart?: "written" | "pending";
    /** How the secret was proven at Microsoft; undefined when it was not written. */
    readonly proof?: SecretProofResult;
}

/**
 * Whether NocoBase holds the secret with this key ID: a secret entry, and beside it the plain record that
 * names the key ID (NocoBase never shows a secret's plaintext to compare with).
 */
export function holdsSecret(variables: readonly NocobaseVariable[], clientSecretVariable: string, keyId: string): boolean {
    const secret = variables.find((v) => v.name === clientSecretVariable);
    const record = variables.find((v) => v.name === keyIdRecordName(clientSecretVariable));
    return secret?.type === "secret" && record?.type === "default" && record.value === keyId;
}

export async function handOver(client: NocobaseClient, request: HandoverRequest, options: HandoverOptions): Promise<HandoverReport> {
    const recordName = keyIdRecordName(request.clientSecretVariable);
    const { variables, restartPending } = await client.listVariables([request.clientIdVariable, request.clientSecretVariable, recordName]);
    const entry = (name: string) => variables.find((v) => v.name === name);
    const idEntry = entry(request.clientIdVariable);
    const secretEntry = entry(request.clientSecretVariable);
    const recordEntry = entry(recordName);
    const secretCurrent = holdsSecret(variables, request.clientSecretVariable, request.clientSecretKeyId);
    const idCurrent = idEntry?.type === "default" && idEntry.value === request.clientId;

    if (!secretCurrent || !idCurrent) {
        await checkAnsweringApplication(client, request.appName);
    }
    let proof: SecretProofResult | undefined;
    let secret: EntryChange = "unchanged";
    if (!secretCurrent) {
        proof = await proveSecretAccepted(request, options.rerun, options.proof);
        await writeVariable(client, request.clientSecretVariable, "secret", request.clientSecret, secretEntry);
        await writeVariable(client, recordName, "default", request.clientSecretKeyId, recordEntry);
        secret = secretEntry === undefined ? "created" : "updated";
    }
    let clientId: EntryChange = "unchanged";
    if (!idCurrent) {
        await writeVariable(client, request.clientIdVariable, "default", request.clientId, idEntry);
        clientId = idEntry === undefined ? "created" : "updated";
    }
    let removed = false;
    for (const name of request.obsoleteVariables ?? []) {
        removed = await client.destroyVariable(name) || removed;
    }
    const wrote = secret !== "unchanged" || clientId !== "unchanged" || removed;
    if (wrote || restartPending) {
        await client.refreshApp();
    }
    return { secret, clientId, ...(wrote ? { restart: "written" } : restartPending ? { restart: "pending" } : {}), ...(proof ? { proof } : {}) };
}

/**
 * NocoBase routes by the `X-App` header; `app:getInfo` names the application that answered. A mismatch
 * (a proxy that drops the header, a gateway that routes elsewhere) stops the hand-over before any write.
 */
async function checkAnsweringApplication(client: NocobaseClient, appName: string | undefined): Promise<void> {
    const expected = appName ?? "main";
    const info = await client.applicationInfo();
    if (info.name !== expected) {
        throw new Error(
            `NocoBase at ${client.url} answered as application "${info.name}", not "${expected}"; nothing was written. ` +
            (appName === undefined
                ? `Fix: to write into the sub-application ${info.name}, pulumi config set nocobase-entra-mail:nocobaseSubApp ${info.name}; otherwise point nocobase-entra-mail:nocobaseApiUrl at the main application.`
                : "Fix: make sure the X-App header reaches NocoBase (a proxy may drop it), or correct nocobase-entra-mail:nocobaseSubApp."));
    }
}

/**
 * Makes NocoBase hold `value` under `name` with `type`, given what it holds under `name` (undefined:
 * nothing). A plain entry of the same name is removed and created anew as a secret: turning its type to
 * secret with an unchanged value would leave that value stored in plaintext.
 */
async function writeVariable(client: NocobaseClient, name: string, type: VariableType, value: string,
    existing: NocobaseVariable | undefined): Promise<void> {
    if (existing === undefined) {
        await client.createVariable(name, type, value);
    } else if (type === "secret" && existing.type !== "secret") {
        await client.destroyVariable(name);
        await client.createVariable(name, type, value);
    } else if (!(await client.updateVariable(name, type, value))) {
        // Removed by someone between the read and the write.
        await client.createVariable(name, type, value);
    }
}
