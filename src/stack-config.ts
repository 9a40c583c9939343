/**
 * Reads the stack's configuration through Pulumi and validates it before any resource is declared.
 * Mistakes become one `pulumi.RunError`, which Pulumi prints without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, CONFIG_NAMESPACE, formatProblems, RawSettings, Settings, validateSettings } from "./settings";

/** Environment variable that fixes "now" for the rotation schedule (offline plans and tests). */
export const CLOCK_OVERRIDE_VARIABLE = "NOCOBASE_ENTRA_MAIL_NOW";

export function readStackSettings(): Settings {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const raw: Record<string, string | undefined> = {};
    for (const key of CONFIG_KEYS) {
        // Plain get: every value arrives as a string (lists as JSON); typing happens in validateSettings.
        raw[key] = config.get(key);
    }
    const settings: RawSettings = {
        ...raw,
        stack: pulumi.getStack(),
        // Only whether the token is set; its value is read by the NocoBase provider, never here.
        nocobaseApiTokenSet: config.getSecret("nocobaseApiToken") !== undefined,
    };
    const result = validateSettings(settings);
    if (!result.ok) {
        throw new pulumi.RunError(formatProblems(result.problems));
    }
    return result.settings;
}

/** The instant the rotation schedule is computed for: the clock, unless fixed by the override variable. */
export function currentInstant(env: NodeJS.ProcessEnv = process.env): Date {
    const fixed = env[CLOCK_OVERRIDE_VARIABLE];
    if (fixed === undefined || fixed === "") {
        return new Date();
    }
    const instant = new Date(fixed);
    if (Number.isNaN(instant.getTime())) {
        throw new pulumi.RunError(`${CLOCK_OVERRIDE_VARIABLE} is ${JSON.stringify(fixed)}, not a date. ` +
            `Fix: unset it, or give an ISO 8601 instant such as 2027-01-31T12:00:00Z.`);
    }
    return instant;
}
