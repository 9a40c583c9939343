/**
 * Reads the stack's configuration through Pulumi and validates it before any resource is declared.
 * Mistakes become one `pulumi.RunError`, which Pulumi prints without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { API_TOKEN_ENV } from "../nocobase/variables-provider";
import { rotationInstantInjected, setRotationInstant } from "../nocobase-mail/rotation-clock";
import { quoteForeign } from "../redaction";
import { API_TOKEN_KEY, CONFIG_KEYS, CONFIG_NAMESPACE } from "./config-keys";
import { formatProblems, RawSettings, Settings, validateSettings } from "./settings";

/**
 * Environment variable that fixes "now" for this project's program (rehearsing a rotation with the real
 * CLI). Only the program reads it: a program of its own that uses NocobaseMail is not affected.
 */
export const CLOCK_OVERRIDE_VARIABLE = "NOCOBASE_ENTRA_MAIL_NOW";

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
 * For this project's program: the override variable injects the instant the rotation schedule is computed
 * for, unless the evaluation already injected one (the offline plan's --at). A real `pulumi up` with the
 * variable set warns, since the secret it makes or keeps follows that instant, not the clock.
 */
export function applyClockOverride(env: NodeJS.ProcessEnv = process.env): void {
    if (rotationInstantInjected()) {
        return;
    }
    const fixed = env[CLOCK_OVERRIDE_VARIABLE];
    if (fixed === undefined || fixed === "") {
        return;
    }
    const instant = new Date(fixed);
    if (Number.isNaN(instant.getTime())) {
        throw new pulumi.RunError(`${CLOCK_OVERRIDE_VARIABLE} is ${quoteForeign(fixed, { maxLength: 40 })}, not a date. ` +
            `Fix: unset it, or give an ISO 8601 instant such as 2027-01-31T12:00:00Z.`);
    }
    void pulumi.log.warn(`${CLOCK_OVERRIDE_VARIABLE} is set: the secret's rotation is computed as of ${instant.toISOString()}, ` +
        `not the current time. Unset ${CLOCK_OVERRIDE_VARIABLE} unless you are rehearsing a rotation.`);
    setRotationInstant(instant);
}
