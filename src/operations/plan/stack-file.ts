/**
 * Reads a stack's configuration from `stacks/Pulumi.<stack>.yaml` the way Pulumi hands it to a program:
 * every value a string (lists and objects as JSON), encrypted (`secure:`) values marked secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, YAMLParseError } from "yaml";
import { API_TOKEN_KEY, CONFIG_NAMESPACE } from "../../configuration/config-keys";
import { configChangeCommand } from "../../configuration/settings";
import { UnusableInputError } from "../command-line";

/** Where Pulumi.yaml's `stackConfigDir` puts the stack files, seen from the project the tool runs in. */
export const STACKS_DIR = path.resolve("stacks");

/** Stands in for an encrypted value, which cannot be decrypted offline; never a real secret. */
const ENCRYPTED_PLACEHOLDER = "(encrypted in the stack file)";

/** The azuread provider's setting that pins the stack's tenant; without it the provider takes ARM_TENANT_ID or the az login session's. */
export const PROVIDER_TENANT_KEY = "azuread:tenantId";

interface StackFileConfig {
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** The tenant the stack file pins (`azuread:tenantId`), where the registration lives; undefined when unset. */
    readonly tenantId: string | undefined;
}

/** The stacks with a file in `dir`; none when there is no such directory. */
export function listStacks(dir = STACKS_DIR): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs.readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * The stack file's YAML. A syntax error is reported by line and column only: the parser's own message
 * quotes the broken line, which may hold a key pasted in plaintext.
 */
function parseStackFile(file: string): { config?: Record<string, unknown> } | null {
    try {
        return parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    } catch (err) {
        if (err instanceof YAMLParseError) {
            const at = err.linePos?.[0];
            const where = at === undefined ? "" : ` at line ${at.line}, column ${at.col}`;
            // No `cause`: the parser's error quotes the file's text.
            throw new UnusableInputError(`${file} is not valid YAML${where} (${err.code}). Fix that line; ` +
                "pulumi config set --stack <name> writes valid YAML.");
        }
        throw err;
    }
}

export function readStackFile(stack: string, dir = STACKS_DIR): StackFileConfig {
    const file = ["yaml", "yml"].map((ext) => path.join(dir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
    if (file === undefined) {
        const known = listStacks(dir);
        throw new UnusableInputError(`No stack file for "${stack}" in ${dir}. Known stacks: ${known.join(", ") || "none"}. ` +
            `Create one with: pulumi stack init ${stack} && ${configChangeCommand(stack, { key: "nocobaseUrl", value: "<url>" })}`);
    }
    const document = parseStackFile(file);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const tenant = document?.config?.[PROVIDER_TENANT_KEY];
    for (const [fullKey, value] of Object.entries(document?.config ?? {})) {
        const prefix = `${CONFIG_NAMESPACE}:`;
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const key = fullKey.slice(prefix.length);
        if (key === API_TOKEN_KEY && !(typeof value === "object" && value !== null && "secure" in value)) {
            // The value itself is never shown: it is a NocoBase API key, readable by anyone with the file.
            throw new UnusableInputError(`${file}: ${fullKey} is stored in plaintext; it is NocoBase's API key and belongs ` +
                "encrypted in the stack file. Fix: remove the line, revoke the key in NocoBase (Settings → API keys) if the file " +
                `was shared, then: ${configChangeCommand(stack, { key: API_TOKEN_KEY, value: "<API key>", secret: true })}`);
        }
        if (typeof value === "object" && value !== null && "secure" in value) {
            config[key] = ENCRYPTED_PLACEHOLDER;
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys, tenantId: typeof tenant === "string" && tenant !== "" ? tenant : undefined };
}
