/**
 * NocobaseMail's inputs checked by the configuration's rules. Plain inputs, which decide which resources exist
 * or which secret is replaced, are checked before anything is declared; an input that is an output of another
 * resource is checked once it is known, before the registration that depends on it is created or changed.
 */
import * as pulumi from "@pulumi/pulumi";
import { isReadFromStackConfiguration } from "../configuration/args-origin";
import { CONFIG_KEY_TABLE, componentKeys, KeyDefinition } from "../configuration/config-keys";
import { FixAudience, formatProblems, RawSettings, Settings, validateSettings } from "../configuration/settings";
import type { NocobaseMailArgs } from "./nocobase-mail-args";

/** Stands for a NocoBase URL not known yet while the plain inputs are checked; no resource ever receives it. */
const URL_NOT_KNOWN_YET = "https://nocobase-url-not-known-yet.invalid";

export interface CheckedInputs {
    /** Who fixes a refusal: the stack's configuration, or the program that declares the component. */
    readonly audience: FixAudience;
    /** Settings whose plain parts are final: the schedule, the consent, the adoption, Email Settings and the hand-over. */
    readonly plain: Settings;
    /** Every setting, once every input is known. */
    readonly settings: pulumi.Output<Settings>;
}

/** An output of another resource, a promise, or a list holding one: known only while the deployment runs. */
function isEventual(value: unknown): boolean {
    return pulumi.Output.isInstance(value) || value instanceof Promise || (Array.isArray(value) && value.some(isEventual));
}

/** A value as stack configuration holds it: strings as they are, numbers, booleans and lists as JSON text. */
function asConfigText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** The values of the inputs given as secrets, and each item of a secret list: no message may show them. */
async function secretValues(inputs: Readonly<Record<string, pulumi.Input<unknown>>>, values: Readonly<Record<string, unknown>>): Promise<string[]> {
    const secret = await Promise.all(Object.keys(inputs).map(async (key) => await pulumi.isSecret(pulumi.output(inputs[key])) ? [key] : []));
    return secret.flat().flatMap((key) => {
        const value = values[key];
        return [asConfigText(value), ...(Array.isArray(value) ? value.map(asConfigText) : [])];
    });
}

const TABLE: Readonly<Record<string, KeyDefinition>> = CONFIG_KEY_TABLE;
const INPUTS = new Set(componentKeys(TABLE));

export function checkInputs(name: string, args: NocobaseMailArgs, stack: string): CheckedInputs {
    const audience: FixAudience = isReadFromStackConfiguration(args) ? { kind: "stack" } : { kind: "component", name };
    const given: Record<string, string> = {};
    const eventual: Record<string, pulumi.Input<unknown>> = {};
    const unknownKeys: Record<string, string> = {};
    for (const [key, value] of Object.entries(args) as [string, unknown][]) {
        if (value === undefined || value === null) {
            continue;
        }
        if (!INPUTS.has(key)) {
            // A program in another language can pass any name; a typo is refused with the nearest input.
            unknownKeys[key] = isEventual(value) ? "" : asConfigText(value);
        } else if (isEventual(value)) {
            const because = TABLE[key].plainBecause;
            if (because !== undefined) {
                throw new pulumi.RunError(`NocobaseMail "${name}" input ${key} is an output of another resource or a secret; it must ` +
                    `be a plain value known when the program starts, because ${because}. Nothing was created or changed.\n` +
                    "    Fix: pass a literal or a configuration value.");
            }
            eventual[key] = value;
        } else if (key !== "handOverToNocobase") {
            given[key] = asConfigText(value);
        }
    }
    const raw = (values: Readonly<Record<string, string>>, secretValues: readonly string[] = []): RawSettings =>
        ({ ...values, stack, nocobaseApiTokenSet: args.handOverToNocobase === true, unknownKeys, secretValues });
    const check = (settings: RawSettings): Settings => {
        const result = validateSettings(settings, audience);
        if (!result.ok) {
            throw new pulumi.RunError(formatProblems(result.problems, audience));
        }
        return result.settings;
    };
    if (Object.keys(eventual).length === 0) {
        const settings = check(raw(given));
        return { audience, plain: settings, settings: pulumi.output(settings) };
    }
    // The plain inputs' rules involve plain inputs only: checked now, with every other input at its default.
    const plainGiven = Object.fromEntries(Object.entries(given).filter(([key]) => TABLE[key].plainBecause !== undefined));
    const plain = check(raw({ ...plainGiven, nocobaseUrl: URL_NOT_KNOWN_YET }));
    const settings = pulumi.all(eventual).apply(async (values) => {
        const texts = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, asConfigText(value)]));
        return check(raw({ ...given, ...texts }, await secretValues(eventual, values)));
    });
    return { audience, plain, settings };
}
