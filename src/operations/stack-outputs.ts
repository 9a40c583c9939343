/**
 * The outputs a stack exports, as `pulumi stack output --json --show-secrets` prints them. The doctor and
 * `push-to-nocobase` read this shape; the program (src/program.ts) produces it.
 */
import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { parseRotationRecord } from "../registration/rotation-record";
import { otherSlot } from "../registration/secret-rotation";
import { UnusableInputError } from "./command-line";

export interface StackOutputs {
    /** Stack (environment) name. */
    readonly environment: string;
    readonly clientId: string;
    readonly tenantId: string;
    readonly applicationObjectId: string;
    readonly servicePrincipalObjectId: string;
    readonly displayName: string;
    readonly signInAudience: string;
    readonly redirectUris: readonly string[];
    /** Whether the stack grants tenant-wide admin consent for the delegated scopes. */
    readonly adminConsent: boolean;
    /** The client secret; present with `--show-secrets`, otherwise the string "[secret]" (also when absent and not needed). */
    readonly clientSecret: string;
    readonly clientSecretKeyId: string;
    /** RFC 3339 instant at which Microsoft stops accepting the secret. */
    readonly clientSecretExpiresAt: string;
    /** RFC 3339 instant after which the next `pulumi up` rotates the secret. */
    readonly nextRotationAt: string;
    /** Names of the NocoBase variables that receive the client ID and secret. */
    readonly nocobaseClientIdVariable: string;
    readonly nocobaseClientSecretVariable: string;
    /** Base URL of NocoBase's HTTP API (ends in `/api`). */
    readonly nocobaseApiUrl: string;
    /** Sub-application holding the variables; "" or absent for the main application. */
    readonly nocobaseSubApp?: string;
    /** Configured owners' object IDs (the deploying identity is an owner besides them); absent from older stacks. */
    readonly owners?: readonly string[];
    /** Permissions kept besides the five mail scopes, as `<resource app ID>/<Scope|Role>/<id>`; absent from older stacks. */
    readonly additionalPermissions?: readonly string[];
    /** Key IDs of every client secret the stack manages (both slots of `secretRotation`), NocoBase's included. */
    readonly managedSecretKeyIds?: readonly string[];
    /** Key ID of the fallback slot, which the next rotation replaces delete-before-replace; absent while it is empty. */
    readonly fallbackSecretKeyId?: string;
    /** Start of the rotation window NocoBase's secret was made for (RFC 3339); absent for a secret of the single-secret layout. */
    readonly nocobaseSecretWindowStart?: string;
    /** Every client secret the stack manages, with its expiry (both slots of `secretRotation`). */
    readonly managedSecrets?: readonly { readonly keyId: string; readonly expiresAt: string }[];
    /** What NocoBase's Email Settings read, "pasted" or "variables"; absent from older stacks (variables). */
    readonly emailSettings?: string;
    /** In pasted mode: the confirmed secret, a newer one awaiting pasting, the instant to paste it by (absent fields: none). */
    readonly pastedSecret?: {
        readonly confirmedKeyId?: string;
        readonly confirmedExpiresAt?: string;
        readonly awaitingKeyId?: string;
        readonly awaitingSince?: string;
        readonly pasteBy?: string;
        readonly rotationWaitsForPaste?: boolean;
    };
}

const STRING_FIELDS = [
    "environment", "clientId", "tenantId", "applicationObjectId", "servicePrincipalObjectId", "displayName",
    "signInAudience", "clientSecret", "clientSecretKeyId", "clientSecretExpiresAt", "nextRotationAt",
    "nocobaseClientIdVariable", "nocobaseClientSecretVariable", "nocobaseApiUrl",
] as const;

/** The outputs a stack must export, under these names, for the doctor and push-to-nocobase to read it. */
export const REQUIRED_OUTPUTS: readonly string[] = [...STRING_FIELDS, "redirectUris", "adminConsent"];

/** The placeholder Pulumi prints for a secret output when `--show-secrets` was not given. */
export const HIDDEN_SECRET_PLACEHOLDER = "[secret]";

interface ParseOptions {
    /**
     * Whether the caller uses `clientSecret` (the NocoBase hand-over, the doctor's `--probe-secret`). Only
     * then must the outputs have been printed with `--show-secrets`. Default true.
     */
    readonly needsSecret?: boolean;
}

/**
 * Where `JSON.parse` stopped, from the numbers in its message. The message itself is never quoted: V8
 * copies the text around the error into it, and that text may be a piece of the client secret.
 */
function syntaxErrorLocation(err: unknown): string {
    const message = err instanceof Error ? err.message : "";
    const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
    if (lineColumn) {
        return ` at line ${lineColumn[1]}, column ${lineColumn[2]}`;
    }
    const position = /at position (\d+)/.exec(message);
    return position ? ` at character ${Number(position[1]) + 1}` : "";
}

/**
 * The one refusal of outputs exported without `--show-secrets` where the secret is needed; `needs` names
 * what needs it ("this command", "--probe-secret").
 */
export function hiddenSecretRefusal(sources: readonly string[], needs: string): string {
    return `${sources.join(", ")}: clientSecret is hidden ("${HIDDEN_SECRET_PLACEHOLDER}", the placeholder pulumi stack output ` +
        `prints without --show-secrets); ${needs} needs the secret itself. ` +
        "Fix: pulumi stack output --json --show-secrets --stack <name> > <file>";
}

const PRODUCE_OUTPUTS = "Produce it with: pulumi stack output --json --show-secrets --stack <name> > <file>";

/**
 * Parses one environment's stack outputs. `source` names where the JSON came from (a file name or
 * "stdin") and appears in errors. Errors never quote the input, only field names and positions.
 */
export function parseStackOutputs(json: string, source: string, options: ParseOptions = {}): StackOutputs {
    const needsSecret = options.needsSecret ?? true;
    let parsed: unknown;
    try {
        parsed = JSON.parse(json);
    } catch (err) {
        // No `cause`: the parser's error quotes the input, possibly the secret, and must not travel with ours.
        throw new StackOutputsInputError(`${source}: not valid JSON${syntaxErrorLocation(err)}. ${PRODUCE_OUTPUTS}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new StackOutputsInputError(`${source}: expected a JSON object of stack outputs. ${PRODUCE_OUTPUTS}`);
    }
    const record = parsed as Record<string, unknown>;
    if (!needsSecret && record.clientSecret === undefined) {
        record.clientSecret = HIDDEN_SECRET_PLACEHOLDER;
    }
    const missing: string[] = STRING_FIELDS.filter((k) => typeof record[k] !== "string" || record[k] === "");
    if (!Array.isArray(record.redirectUris) || !record.redirectUris.every((u) => typeof u === "string")) {
        missing.push("redirectUris");
    }
    for (const key of ["owners", "additionalPermissions"]) {
        const list = record[key];
        if (list !== undefined && (!Array.isArray(list) || !list.every((o) => typeof o === "string"))) {
            missing.push(key);
        }
    }
    if (typeof record.adminConsent !== "boolean") {
        missing.push("adminConsent");
    }
    if (record.emailSettings !== undefined && record.emailSettings !== "pasted" && record.emailSettings !== "variables") {
        missing.push("emailSettings");
    }
    const pasted = record.pastedSecret;
    if (pasted !== undefined && (typeof pasted !== "object" || pasted === null || Array.isArray(pasted) ||
        !Object.entries(pasted).every(([k, v]) => typeof v === (k === "rotationWaitsForPaste" ? "boolean" : "string")))) {
        missing.push("pastedSecret");
    }
    if (missing.length > 0) {
        throw new StackOutputsInputError(`${source}: missing or malformed stack outputs: ${missing.join(", ")}. ` +
            "Export them with this project's program (pulumi up), then: " +
            "pulumi stack output --json --show-secrets --stack <name> > <file>");
    }
    if (needsSecret && record.clientSecret === HIDDEN_SECRET_PLACEHOLDER) {
        throw new StackOutputsInputError(hiddenSecretRefusal([source], "this command"));
    }
    return { ...(record as unknown as StackOutputs), ...managedSecrets(record, source) };
}

/** The stack's secrets from `secretRotation`; stacks of the single-secret layout manage one secret only. */
function managedSecrets(record: Record<string, unknown>, source: string):
    Pick<StackOutputs, "managedSecretKeyIds" | "fallbackSecretKeyId" | "nocobaseSecretWindowStart" | "managedSecrets"> {
    const own = record.clientSecretKeyId as string;
    if (record.secretRotation === undefined) {
        return { managedSecretKeyIds: [own], managedSecrets: [{ keyId: own, expiresAt: record.clientSecretExpiresAt as string }] };
    }
    let rotation;
    try {
        rotation = parseRotationRecord({ secretRotation: record.secretRotation });
    } catch (err) {
        throw new StackOutputsInputError(`${source}: malformed stack output secretRotation (${(err as Error).message}). ` +
            "Export it with this project's program (pulumi up).", { cause: err });
    }
    const slots = Object.values(rotation?.slots ?? {});
    const fallback = rotation === undefined ? undefined : rotation.slots[otherSlot(rotation.nocobaseSlot)];
    const held = rotation === undefined ? undefined : rotation.slots[rotation.nocobaseSlot];
    return {
        managedSecretKeyIds: [...new Set([own, ...slots.map((slot) => slot.keyId)])],
        managedSecrets: slots.map((slot) => ({ keyId: slot.keyId, expiresAt: slot.expiresAt })),
        ...(fallback === undefined ? {} : { fallbackSecretKeyId: fallback.keyId }),
        ...(held?.kind === "window" ? { nocobaseSecretWindowStart: held.windowStart } : {}),
    };
}

/** The raw text of stack outputs and where it came from (a file name or "stdin"). */
export interface StackOutputsText {
    readonly source: string;
    readonly json: string;
}

/** Outputs cannot be read or used (no input, unreadable file, not this program's outputs): exit 2. */
export class StackOutputsInputError extends UnusableInputError {
    constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = "StackOutputsInputError";
    }
}

/**
 * Reads stack outputs from `file`, or from stdin when `file` is undefined. A terminal on stdin means
 * nothing was piped in: refused with the pipe to use, rather than waiting for typed input.
 */
export async function readStackOutputsText(file: string | undefined, command: string): Promise<StackOutputsText> {
    if (file === undefined) {
        if (process.stdin.isTTY) {
            throw new StackOutputsInputError(`no outputs given: pass a file, or pipe: pulumi stack output --json --show-secrets | ${command}`);
        }
        return { source: "stdin", json: await text(process.stdin) };
    }
    try {
        return { source: file, json: await readFile(file, "utf8") };
    } catch (err) {
        throw new StackOutputsInputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
}
