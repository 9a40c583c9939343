/**
 * Reads the stack's configuration through Pulumi and validates it before any resource is declared.
 * Mistakes become one `pulumi.RunError`, which Pulumi prints without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { API_TOKEN_ENV } from "../nocobase/variables-provider";
import { quoteForeign } from "../redaction";
import { API_TOKEN_KEY, CONFIG_KEYS, CONFIG_NAMESPACE, formatProblems, RawSettings, Settings, validateSettings } from "./settings";

/** Environment variable that fixes "now" for the rotation schedule (rehearsing a rotation with the real CLI). */
export const CLOCK_OVERRIDE_VARIABLE = "NOCOBASE_ENTRA_MAIL_NOW";

/** "Now" for an offline evaluation (plan, program tests); it never leaves this process. */
let offlineInstant: Date | undefined;

/**
 * Fixes "now" for the program evaluated next in this process, or clears it. The offline runner uses this
 * rather than the environment variable so that a plan at another instant is not mistaken for an override.
 */
export function setOfflineInstant(instant: Date | undefined): void {
    offlineInstant = instant;
}

/** Where an API key is given but blank, from the stack's `nocobaseApiToken` and the environment. */
function blankToken(configured: string | undefined, env: string | undefined): RawSettings["nocobaseApiTokenBlankIn"] {
    if (configured !== undefined) {
        return configured.trim() === "" ? "config" : undefined;
    }
    return env !== undefined && env.trim() === "" ? "environment" : undefined;
}

export function readStackSettings(env: NodeJS.ProcessEnv = process.env): Settings {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const raw: Record<string, string | undefined> = {};
    for (const key of CONFIG_KEYS) {
        // Plain get: every value arrives as a string (lists as JSON); typing happens in validateSettings.
        raw[key] = config.get(key);
    }
    const prefix = `${CONFIG_NAMESPACE}:`;
    const known = new Set<string>([...CONFIG_KEYS, API_TOKEN_KEY]);
    const unknownKeys = Object.fromEntries(Object.entries(pulumi.runtime.allConfig())
        .filter(([name]) => name.startsWith(prefix) && !known.has(name.slice(prefix.length)))
        .map(([name, value]) => [name.slice(prefix.length), value]));
    // The key's value is read by the NocoBase provider, never here: only whether it is given and not blank.
    const configuredToken = pulumi.runtime.getConfig(`${prefix}${API_TOKEN_KEY}`);
    const envToken = env[API_TOKEN_ENV];
    const settings: RawSettings = {
        ...raw,
        stack: pulumi.getStack(),
        nocobaseApiTokenSet: (configuredToken ?? envToken ?? "").trim() !== "",
        nocobaseApiTokenBlankIn: blankToken(configuredToken, envToken),
        unknownKeys,
    };
    const result = validateSettings(settings);
    if (!result.ok) {
        throw new pulumi.RunError(formatProblems(result.problems));
    }
    return result.settings;
}

/**
 * The instant the rotation schedule is computed for: the clock, unless fixed by an offline evaluation or
 * by the override variable. A real `pulumi up` with the variable set warns, since the secret it makes or
 * keeps follows that instant, not the clock.
 */
export function currentInstant(env: NodeJS.ProcessEnv = process.env): Date {
    if (offlineInstant !== undefined) {
        return offlineInstant;
    }
    const fixed = env[CLOCK_OVERRIDE_VARIABLE];
    if (fixed === undefined || fixed === "") {
        return new Date();
    }
    const instant = new Date(fixed);
    if (Number.isNaN(instant.getTime())) {
        throw new pulumi.RunError(`${CLOCK_OVERRIDE_VARIABLE} is ${quoteForeign(fixed, { maxLength: 40 })}, not a date. ` +
            `Fix: unset it, or give an ISO 8601 instant such as 2027-01-31T12:00:00Z.`);
    }
    void pulumi.log.warn(`${CLOCK_OVERRIDE_VARIABLE} is set: the secret's rotation is computed as of ${instant.toISOString()}, ` +
        `not the current time. Unset ${CLOCK_OVERRIDE_VARIABLE} unless you are rehearsing a rotation.`);
    return instant;
}
