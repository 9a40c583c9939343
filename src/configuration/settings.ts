/**
 * The stack's configuration, validated. `validateSettings` is pure: raw strings in (as stack config holds
 * them), typed settings or a list of problems out. Every problem names the key, shows the bad value and
 * gives the fix as a `pulumi config set --stack <stack>` command.
 */
import {
    apiUrlProblem, normaliseApiUrl, variableNameProblem,
    variableNamesProblem,
} from "../nocobase/variable-names";
import { closestKey } from "./config-key-suggestion";
import {
    API_TOKEN_KEY, CONFIG_KEY_TABLE, CONFIG_KEYS, CONFIG_NAMESPACE, ConfigKey, ConfigValues, DEFAULTS, isShownKey, KeyDefinition,
} from "./config-keys";

import { isGuid } from "../registration/graph-identifiers";
import { ApiPermission, parseApiPermission, RedirectPlatform, redirectUriProblem } from "../registration/kept-settings";
import { quoteForeign, redactForeignText } from "../redaction";
import { mailCallbackUri, mailCallbackUris, NocobaseBaseUrl, parseNocobaseUrl, parseSubAppName } from "../registration/redirect-uris";
import { EMAIL_SETTINGS_MODES, EmailSettingsMode, isEmailSettingsMode } from "../registration/pasted-secret";
import { MIN_SLACK_DAYS, RotationPolicy } from "../registration/secret-rotation";
import {
    audienceLimits, isSignInAudience, SIGN_IN_AUDIENCES, SignInAudience,
} from "../registration/sign-in-audience";

/** Longest secret lifetime accepted: Microsoft's 24-month maximum for client secrets. */
const MAX_SECRET_LIFETIME_DAYS = 730;

/** Stack configuration as Pulumi hands it over: strings (arrays as JSON), undefined when unset. */
export type RawSettings = { readonly [K in ConfigKey]?: string } & {
    /** Stack name, for the default display name and the `--stack` of every printed fix. */
    readonly stack: string;
    /** Whether a NocoBase API key is given (`nocobaseApiToken`, or NOCOBASE_API_TOKEN); its value never reaches validation. */
    readonly nocobaseApiTokenSet: boolean;
    /** Where an API key is given but blank: it could only fail at NocoBase, so it is refused here. */
    readonly nocobaseApiTokenBlankIn?: "config" | "environment";
    /** Keys set in the namespace that the program does not know (typos), with their values. */
    readonly unknownKeys?: Readonly<Record<string, string>>;
    /**
     * Values of inputs given as secrets. With any, no message quotes a configured value, and none of these
     * appears in a message or a fix.
     */
    readonly secretValues?: readonly string[];
};

interface NocobaseDelivery {
    readonly apiUrl: string;
    readonly clientIdVariable: string;
    readonly clientSecretVariable: string;
}

export interface Settings {
    readonly stack: string;
    readonly nocobaseUrls: readonly NocobaseBaseUrl[];
    readonly nocobaseSubApp: string | undefined;
    readonly redirectUris: readonly string[];
    readonly displayName: string;
    readonly signInAudience: SignInAudience;
    readonly rotation: RotationPolicy;
    /** The longest client secret the tenant's app-management policy allows, in days, as the stack file declares it. */
    readonly secretLifetimeCapDays: number | undefined;
    readonly grantAdminConsent: boolean;
    readonly owners: readonly string[];
    readonly adoptApplicationObjectId: string | undefined;
    /** Web redirect URIs kept besides NocoBase's callbacks (a registration made by hand may have them). */
    readonly additionalWebRedirectUris: readonly string[];
    readonly spaRedirectUris: readonly string[];
    readonly publicClientRedirectUris: readonly string[];
    /** Permissions kept besides the five mail scopes. */
    readonly additionalPermissions: readonly ApiPermission[];
    /** ID of a tenant-wide grant made in the portal, imported instead of created. */
    readonly adoptAdminConsentGrantId: string | undefined;
    /** What NocoBase's Email Settings read; undefined when not chosen (the component decides by the stack's history). */
    readonly emailSettings: EmailSettingsMode | undefined;
    /** Key ID (lower case) of the secret an administrator confirmed pasting into Email Settings; undefined when none. */
    readonly pastedSecretKeyId: string | undefined;
    /** Where the stack writes the client ID and secret in NocoBase; undefined when no API token is set. */
    readonly nocobase: NocobaseDelivery | undefined;
    /** Variable names and API URL, known even without a token (for the manual hand-over). */
    readonly nocobaseTarget: NocobaseDelivery;
    /** Each key's value as configured, typed by the key table (defaults applied): what the component is given. */
    readonly values: ConfigValues;
}

export interface ConfigProblem {
    /** A `ConfigKey`, `nocobaseApiToken`, or an unknown key of the namespace. */
    readonly key: string;
    /** What is wrong, with the bad value quoted. */
    readonly problem: string;
    /** What to run or change. */
    readonly fix: string;
}

type Validated = { readonly ok: true; readonly settings: Settings } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };


/**
 * `--stack <name>` for a printed command: on a machine with several stacks, a command without it edits
 * whichever stack is selected.
 */
function stackOption(stack: string): string {
    return `--stack ${shellWord(stack)}`;
}

/** A change of stack configuration a fix proposes, as `pulumi config set` / `rm` makes it. */
export interface ConfigChange {
    readonly key: string;
    /** Item of a list key (`--path 'ns:key[i]'`). */
    readonly index?: number;
    /** The new value; undefined removes the key or item. */
    readonly value?: string;
    readonly secret?: boolean;
}

/** Quotes a value for a POSIX shell when it needs it. */
function shellWord(value: string): string {
    return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** The command that makes a change to the stack. Values in angle brackets are for the user to fill in. */
export function configChangeCommand(stack: string, change: ConfigChange): string {
    const name = `${CONFIG_NAMESPACE}:${change.key}`;
    const target = change.index === undefined ? name : `--path '${name}[${change.index}]'`;
    if (change.value === undefined) {
        return `pulumi config rm ${stackOption(stack)} ${target}`;
    }
    const value = /^<.*>$/.test(change.value) ? change.value : shellWord(change.value);
    return `pulumi config set ${stackOption(stack)} ${change.secret === true ? "--secret " : ""}${target} ${value}`;
}

/** Applies changes to raw settings, as the commands would; for checking that a fix is accepted. */
export function applyChanges(raw: RawSettings, changes: readonly ConfigChange[]): RawSettings {
    const next: Record<string, unknown> = { ...raw, unknownKeys: { ...raw.unknownKeys } };
    const unknown = next.unknownKeys as Record<string, string>;
    for (const change of changes) {
        if (change.key === API_TOKEN_KEY) {
            next.nocobaseApiTokenSet = change.value !== undefined && change.value.trim() !== "";
            next.nocobaseApiTokenBlankIn = undefined;
        } else if (!(CONFIG_KEYS as readonly string[]).includes(change.key)) {
            if (change.value === undefined) delete unknown[change.key];
            else unknown[change.key] = change.value;
        } else if (change.index === undefined) {
            next[change.key] = change.value;
        } else {
            const current = next[change.key];
            let list: unknown[];
            try {
                const parsed: unknown = JSON.parse(typeof current === "string" ? current : "[]");
                list = Array.isArray(parsed) ? parsed : [];
            } catch {
                list = [];
            }
            if (change.value === undefined) list.splice(change.index, 1);
            else list[change.index] = change.value;
            next[change.key] = JSON.stringify(list);
        }
    }
    return next as RawSettings;
}

/** Longest quotation of a configured value in a message. */
const MAX_SHOWN_VALUE = 120;

/** A configured value as messages show it: redacted, shortened, quoted. */
function quoteValue(value: string): string {
    return quoteForeign(value, { maxLength: MAX_SHOWN_VALUE });
}

/** Stands for a value in messages when some input is a secret. */
function hidden(): string {
    return "(a value not shown: an input is a secret)";
}

/** Prefixes the quoted value unless the problem text already quotes it; a quotation of it is redacted. */
function withValue(value: string, problem: string, quote: (value: string) => string): string {
    const raw = `"${value}"`;
    const text = problem.startsWith(raw) ? problem : `is ${raw}: ${problem}`;
    return redactForeignText(text.split(raw).join(quote(value)), { maxLength: Number.POSITIVE_INFINITY });
}

/** Every secret value taken out of a text. */
function withoutSecrets(text: string, secrets: readonly string[]): string {
    return secrets.filter((secret) => secret.trim() !== "").reduce((t, secret) => t.split(secret.trim()).join("[secret]"), text);
}

/** Fix alternatives: each a list of changes applied together; the first one validation accepts is shown. */
type FixOptions = readonly (readonly ConfigChange[])[];

/** One way to blame a problem: on which key, in which words, fixed how. */
interface Blame {
    readonly key: string;
    readonly problem: string;
    readonly fix: string | FixOptions;
}

/** A problem found, with one or more ways to blame it (a rule between two keys can blame either). */
type Pending = readonly Blame[];

type Evaluated = { readonly settings: Settings; readonly pending?: undefined } | { readonly settings?: undefined; readonly pending: readonly Pending[] };

/**
 * Who fixes the configuration, and so how a fix is worded: a stack's configuration is changed with
 * `pulumi config`, a component's inputs in the program that declares it.
 */
export type FixAudience = { readonly kind: "stack" } | { readonly kind: "component"; readonly name: string };

const STACK: FixAudience = { kind: "stack" };

/** Validates all configuration at once, so a user sees every problem in one run. */
export function validateSettings(raw: RawSettings, audience: FixAudience = STACK): Validated {
    const evaluated = evaluate(raw);
    if (evaluated.settings !== undefined) {
        return { ok: true, settings: evaluated.settings };
    }
    const secrets = raw.secretValues ?? [];
    return {
        ok: false,
        problems: evaluated.pending.map((pending) => resolve(raw, pending, evaluated.pending, audience))
            .map((p) => ({ key: p.key, problem: withoutSecrets(p.problem, secrets), fix: withoutSecrets(p.fix, secrets) })),
    };
}

/** A change as the program's author makes it to a component's input. */
function inputChange(stack: string, change: ConfigChange): string {
    if (change.key === API_TOKEN_KEY) {
        // The component takes the API key from the secret configuration, never as an input.
        return configChangeCommand(stack, change);
    }
    const definition = (CONFIG_KEY_TABLE as Readonly<Record<string, KeyDefinition>>)[change.key] as KeyDefinition | undefined;
    const literal = (value: string): string => /^<.*>$/.test(value) || (definition !== undefined && definition.type !== "string" &&
        definition.type !== "string[]") ? value : JSON.stringify(value);
    const input = `input ${change.key}`;
    if (change.index !== undefined) {
        return change.value === undefined ? `remove item ${change.index} of the ${input}`
            : `set item ${change.index} of the ${input} to ${literal(change.value)}`;
    }
    return change.value === undefined ? `remove the ${input}` : `set the ${input} to ${literal(change.value)}`;
}

/** The fix for `audience`: the commands for a stack, the input changes for a component. */
export function renderChanges(audience: FixAudience, stack: string, changes: readonly ConfigChange[]): string {
    return audience.kind === "stack" ? configChangeCommands(stack, changes)
        : `in the program's NocobaseMail "${audience.name}": ${changes.map((change) => inputChange(stack, change)).join(" and ")}`;
}

/** The keys a problem may be blamed on. */
function keysOf(pending: Pending): string[] {
    return pending.map((blame) => blame.key);
}

/**
 * Whether applying `changes` fixes the problem on `key` without blaming any key that was fine before:
 * a suggested fix must itself be accepted.
 */
function fixes(raw: RawSettings, key: string, changes: readonly ConfigChange[], before: readonly Pending[]): boolean {
    const after = evaluate(applyChanges(raw, changes));
    if (after.settings !== undefined) {
        return true;
    }
    const blamedBefore = new Set(before.flatMap(keysOf));
    // A rule between two keys is shown on its first key: a fix must not move it onto the other one.
    const shownBefore = new Set(before.map((pending) => pending[0].key));
    return after.pending.every((pending) => !keysOf(pending).includes(key) && keysOf(pending).every((k) => blamedBefore.has(k)) &&
        shownBefore.has(pending[0].key));
}

/** Picks the first blame and fix option that validation accepts; the first of each when none is. */
function resolve(raw: RawSettings, pending: Pending, all: readonly Pending[], audience: FixAudience): ConfigProblem {
    const render = (blame: Blame, option: readonly ConfigChange[]): ConfigProblem =>
        ({ key: blame.key, problem: blame.problem, fix: renderChanges(audience, raw.stack, option) });
    for (const blame of pending) {
        if (typeof blame.fix === "string") {
            return { key: blame.key, problem: blame.problem, fix: blame.fix };
        }
        const accepted = blame.fix.find((option) => fixes(raw, blame.key, option, all));
        if (accepted !== undefined) {
            return render(blame, accepted);
        }
    }
    const first = pending[0];
    return typeof first.fix === "string" ? { key: first.key, problem: first.problem, fix: first.fix } : render(first, first.fix[0]);
}

/** Sets `key` to each candidate value, most preferred first. */
function setTo(key: string, ...values: readonly string[]): FixOptions {
    return [...new Set(values)].map((value) => [{ key, value }]);
}

/** Shortest lifetime cap any schedule fits: a rotation period of 1 day needs 2 x 1 + slack days. */
export const MIN_SECRET_LIFETIME_CAP_DAYS = 2 + MIN_SLACK_DAYS;

/** Longest rotation period whose secrets a lifetime covers: 2 x rotation + slack must not exceed it. */
export function longestRotationFor(lifetimeDays: number): number {
    return Math.floor((lifetimeDays - MIN_SLACK_DAYS) / 2);
}

/**
 * The changes that fit the stack's schedule into a tenant's cap on secret lifetime: the cap declared, the
 * lifetime at most the cap, the rotation period short enough for that lifetime. Undefined when no
 * schedule fits the cap. The doctor and the adoption preflight print these; `evaluate` offers them too.
 */
export function scheduleWithinCap(schedule: Pick<RotationPolicy, "rotationDays" | "lifetimeDays">, capDays: number): ConfigChange[] | undefined {
    if (capDays < MIN_SECRET_LIFETIME_CAP_DAYS) {
        return undefined;
    }
    const lifetimeDays = Math.min(schedule.lifetimeDays, capDays, MAX_SECRET_LIFETIME_DAYS);
    const rotationDays = Math.max(1, Math.min(schedule.rotationDays, longestRotationFor(lifetimeDays)));
    return [
        { key: "secretLifetimeCapDays", value: String(capDays) },
        ...(lifetimeDays === schedule.lifetimeDays ? [] : [{ key: "secretLifetimeDays", value: String(lifetimeDays) }]),
        ...(rotationDays === schedule.rotationDays ? [] : [{ key: "secretRotationDays", value: String(rotationDays) }]),
    ];
}

/** The commands of a list of changes, joined as users paste them. */
export function configChangeCommands(stack: string, changes: readonly ConfigChange[]): string {
    return changes.map((change) => configChangeCommand(stack, change)).join(" && ");
}

/** Keys whose rules in `evaluate` word their own type refusals, with fixes fitted to the key. */
const OWN_TYPE_CHECK: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
    "extraNocobaseUrls", "signInAudience", "secretRotationDays", "secretLifetimeDays", "secretGeneration", "grantAdminConsent",
    "owners", "additionalWebRedirectUris", "spaRedirectUris", "publicClientRedirectUris", "additionalPermissions", "emailSettings",
]);

/**
 * A value checked against its key's type alone: the default when unset (undefined for a required key),
 * or what is wrong with it. Stack configuration holds every value as text, lists as JSON.
 */
type Typed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

function typedValue(definition: KeyDefinition, value: string | undefined, show: (value: string) => string): Typed {
    const ok = (v: unknown): Typed => ({ ok: true, value: v });
    const bad = (problem: string): Typed => ({ ok: false, problem });
    const given = value === undefined || value.trim() === "" ? undefined : value.trim();
    if (given === undefined) {
        return ok(definition.default);
    }
    switch (definition.type) {
        case "integer": {
            const parsed = Number(given);
            if (!/^-?\d+$/.test(given) || !Number.isSafeInteger(parsed)) {
                return bad(`is ${show(given)}, not a whole number`);
            }
            return parsed < (definition.minimum ?? Number.MIN_SAFE_INTEGER)
                ? bad(`is ${parsed}; it must be at least ${String(definition.minimum)}`) : ok(parsed);
        }
        case "boolean":
            return given === "true" ? ok(true) : given === "false" ? ok(false) : bad(`is ${show(given)}; it must be true or false`);
        case "string[]": {
            let parsed: unknown;
            try {
                parsed = JSON.parse(given);
            } catch {
                return bad(`is ${show(given)}, not a list`);
            }
            return Array.isArray(parsed) && parsed.every((v) => typeof v === "string") ? ok(parsed)
                : bad(`is ${show(given)}, not a list of strings`);
        }
        default:
            return definition.values === undefined || definition.values.includes(given) ? ok(given)
                : bad(`is ${show(given)}; it must be one of ${definition.values.join(", ")}`);
    }
}

/** Where a NocoBase URL came from: the key, and the item for a list. */
interface UrlSource {
    readonly key: ConfigKey;
    readonly index?: number;
    readonly base: NocobaseBaseUrl;
}

function evaluate(raw: RawSettings): Evaluated {
    const secrets = raw.secretValues ?? [];
    // Shadows the module's `show`: with a secret among the inputs, no value is quoted.
    const show = secrets.length > 0 ? hidden : quoteValue;
    const pending: Pending[] = [];
    const fail = (key: string, problem: string, fix: string | FixOptions): undefined => {
        pending.push([{ key, problem, fix }]);
        return undefined;
    };
    const text = (key: ConfigKey): string | undefined => {
        const value = raw[key];
        return value === undefined || value.trim() === "" ? undefined : value.trim();
    };

    const integer = (key: ConfigKey, examples: FixOptions): number | undefined => {
        const definition: KeyDefinition = CONFIG_KEY_TABLE[key];
        const fallback = Number(definition.default);
        const min = definition.minimum ?? Number.MIN_SAFE_INTEGER;
        const value = text(key);
        if (value === undefined) {
            return fallback;
        }
        const parsed = Number(value);
        if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
            return fail(key, `is ${show(value)}, not a whole number`, examples);
        }
        if (parsed < min) {
            return fail(key, `is ${parsed}; it must be at least ${min}`, examples);
        }
        return parsed;
    };

    const stringList = (key: ConfigKey, example: string): string[] | undefined => {
        const value = text(key);
        if (value === undefined) {
            return [];
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            return fail(key, `is ${show(value)}, not a list`, [[{ key, value: undefined }, { key, index: 0, value: example }]]);
        }
        if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === "string")) {
            return fail(key, `is ${show(value)}, not a list of strings`, [[{ key, value: undefined }, { key, index: 0, value: example }]]);
        }
        return parsed;
    };

    const parseUrl = (key: ConfigKey, value: string, fix: FixOptions, index?: number): UrlSource | undefined => {
        const parsed = parseNocobaseUrl(value);
        const item = index === undefined ? "" : `entry ${index} `;
        return parsed.ok ? { key, index, base: parsed.value } : fail(key, `${item}${show(value)} ${parsed.problem}`, fix);
    };

    // Each key's type, and the choices a key lists: the rules below word the refusals of some keys themselves.
    const values: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const definition: KeyDefinition = CONFIG_KEY_TABLE[key];
        const typed = typedValue(definition, raw[key], show);
        if (typed.ok) {
            values[key] = typed.value;
        } else if (!OWN_TYPE_CHECK.has(key)) {
            fail(key, typed.problem, definition.default === undefined ? [[{ key, value: "<value>" }]] : [[{ key, value: undefined }]]);
        }
    }

    // Keys of the namespace the program does not read: most often a typo that would be silently ignored.
    for (const [key, value] of Object.entries(raw.unknownKeys ?? {})) {
        const nearest = closestKey(key, [...CONFIG_KEYS, API_TOKEN_KEY]);
        const remove: ConfigChange = { key, value: undefined };
        if (nearest === undefined) {
            fail(key, "is not a setting of this project; it would be ignored", [[remove]]);
            continue;
        }
        // Only values that cannot be a credential are repeated in the fix; the others are for the user to type.
        const typed = isShownKey(CONFIG_KEY_TABLE, nearest) && /^[A-Za-z0-9]+$/.test(value.trim());
        const move: ConfigChange = nearest === API_TOKEN_KEY
            ? { key: nearest, value: "<API key>", secret: true }
            : { key: nearest, value: typed ? value.trim() : "<value>" };
        // Moving the value can clash with another setting; removing the mistyped key alone is always accepted.
        fail(key, `is not a setting of this project and would be ignored; did you mean ${nearest}`, [[remove, move], [remove]]);
    }
    if (raw.nocobaseApiTokenBlankIn !== undefined) {
        fail(API_TOKEN_KEY, raw.nocobaseApiTokenBlankIn === "config"
            ? "is set but empty; NocoBase would refuse every request"
            : "is not set and NOCOBASE_API_TOKEN is set but empty; NocoBase would refuse every request",
        [[{ key: API_TOKEN_KEY, value: "<API key from NocoBase: Settings, API keys>", secret: true }],
            ...(raw.nocobaseApiTokenBlankIn === "config" ? [[{ key: API_TOKEN_KEY, value: undefined }]] : [])]);
    }

    // Where NocoBase is.
    const primaryText = text("nocobaseUrl");
    const primaryFix = setTo("nocobaseUrl", "https://crm.example.com");
    const primary = primaryText === undefined
        ? fail("nocobaseUrl", "is not set; it is the URL at which users open NocoBase", primaryFix)
        : parseUrl("nocobaseUrl", primaryText, primaryFix);
    const extras = (stringList("extraNocobaseUrls", "https://crm.example.org") ?? [])
        .map((u, i) => parseUrl("extraNocobaseUrls", u, [
            [{ key: "extraNocobaseUrls", index: i, value: "https://crm.example.org" }],
            [{ key: "extraNocobaseUrls", index: i, value: undefined }],
        ], i));
    const subAppText = text("nocobaseSubApp");
    let subApp: string | undefined;
    if (subAppText !== undefined) {
        const parsed = parseSubAppName(subAppText);
        subApp = parsed.ok ? parsed.value
            : fail("nocobaseSubApp", `${show(subAppText)} ${parsed.problem}`, setTo("nocobaseSubApp", "sales"));
    }

    // The registration.
    const audienceText = text("signInAudience") ?? DEFAULTS.signInAudience;
    const audience = isSignInAudience(audienceText) ? audienceText
        : fail("signInAudience", `is ${show(audienceText)}; it must be one of ${SIGN_IN_AUDIENCES.join(", ")}`,
            setTo("signInAudience", DEFAULTS.signInAudience, ...SIGN_IN_AUDIENCES));
    const limits = audienceLimits(audience ?? DEFAULTS.signInAudience);
    const displayName = text("displayName") ?? `NocoBase Email (${raw.stack})`;
    if (displayName.length > limits.maxDisplayNameLength) {
        fail("displayName", `${show(displayName)} has ${displayName.length} characters; Microsoft allows at most ` +
            `${limits.maxDisplayNameLength} for the audience ${audience ?? DEFAULTS.signInAudience}`,
        setTo("displayName", `NocoBase Email (${raw.stack})`, `NocoBase Email`));
    }

    const sources = [primary, ...extras].filter((b): b is UrlSource => b !== undefined);
    const bases = sources.map((source) => source.base);
    const redirectUris = mailCallbackUris(bases, subApp);
    if (redirectUris.length > limits.maxRedirectUris) {
        fail("extraNocobaseUrls", `gives ${redirectUris.length} redirect URIs; Microsoft allows at most ${limits.maxRedirectUris}`,
            "remove URLs from extraNocobaseUrls, or split the environments into several stacks");
    }
    const tooLong = new Set<string>();
    for (const source of sources) {
        const uri = mailCallbackUri(source.base, subApp);
        if (uri.length <= limits.maxRedirectUriLength || tooLong.has(uri)) {
            continue;
        }
        tooLong.add(uri);
        const item = source.index === undefined ? "" : `entry ${source.index} `;
        const via = subApp === undefined ? "" : ` (with the sub-application ${subApp})`;
        fail(source.key, `${item}gives the redirect URI ${show(uri)}${via} of ${uri.length} characters; Microsoft allows at most ` +
            `${limits.maxRedirectUriLength}`, source.index === undefined
            ? `use a shorter NocoBase URL${subApp === undefined ? "" : " or sub-application name"}`
            : [[{ key: source.key, index: source.index, value: undefined }]]);
    }

    // The secret's schedule.
    // The tenant's cap is a fact about the tenant, not a choice: a bad value is removed rather than guessed.
    const removeCap: FixOptions = [[{ key: "secretLifetimeCapDays", value: undefined }]];
    const capValue = values.secretLifetimeCapDays as number | undefined;
    let capDays = capValue === DEFAULTS.secretLifetimeCapDays ? undefined : capValue;
    if (capDays !== undefined && capDays < MIN_SECRET_LIFETIME_CAP_DAYS) {
        capDays = fail("secretLifetimeCapDays", `is ${capDays}; no schedule fits a cap below ${MIN_SECRET_LIFETIME_CAP_DAYS} days ` +
            `(2 x a rotation period of 1 day + ${MIN_SLACK_DAYS} days of slack): the tenant's app-management policy must exempt ` +
            "this application (Entra admin center > Enterprise apps > Application policies)", removeCap);
    }
    const maxLifetimeDays = Math.min(MAX_SECRET_LIFETIME_DAYS, capDays ?? MAX_SECRET_LIFETIME_DAYS);
    // Candidates for the period and the lifetime, which are only accepted together: each alone, then both defaults.
    const lifetimeGuess = Number(text("secretLifetimeDays") ?? DEFAULTS.secretLifetimeDays);
    // The defaults, shortened to fit the tenant's cap when one is declared.
    const defaultLifetime = Math.min(DEFAULTS.secretLifetimeDays, maxLifetimeDays);
    const bothDefaults: readonly ConfigChange[] = [
        { key: "secretRotationDays", value: String(Math.max(1, Math.min(DEFAULTS.secretRotationDays, longestRotationFor(defaultLifetime)))) },
        { key: "secretLifetimeDays", value: String(defaultLifetime) },
    ];
    const rotationDays = integer("secretRotationDays", [
        ...setTo("secretRotationDays", String(DEFAULTS.secretRotationDays), String(Math.max(1, Math.floor(lifetimeGuess / 2)))),
        bothDefaults,
    ]);
    const lifetimeDays = integer("secretLifetimeDays", [
        ...setTo("secretLifetimeDays", String(DEFAULTS.secretLifetimeDays), String(MAX_SECRET_LIFETIME_DAYS)),
        bothDefaults,
    ]);
    const generation = integer("secretGeneration", setTo("secretGeneration", "2"));
    if (lifetimeDays !== undefined && lifetimeDays > MAX_SECRET_LIFETIME_DAYS) {
        fail("secretLifetimeDays", `is ${lifetimeDays}; Microsoft allows client secrets of at most ` +
            `${MAX_SECRET_LIFETIME_DAYS} days (24 months)`,
        [...setTo("secretLifetimeDays", String(DEFAULTS.secretLifetimeDays), String(MAX_SECRET_LIFETIME_DAYS)), bothDefaults]);
    }
    if (rotationDays !== undefined && lifetimeDays !== undefined && lifetimeDays < 2 * rotationDays + MIN_SLACK_DAYS) {
        const needed = 2 * rotationDays + MIN_SLACK_DAYS;
        const why = "the secret NocoBase leaves at a rotation must stay valid for a whole rotation period after a run that may come late";
        const blameLifetime: Blame = {
            key: "secretLifetimeDays",
            problem: `is ${lifetimeDays}, below 2 x secretRotationDays (${rotationDays}) + ${MIN_SLACK_DAYS} days of slack = ${needed}; ${why}`,
            fix: [...setTo("secretLifetimeDays", String(Math.min(needed, maxLifetimeDays))), bothDefaults],
        };
        const blameRotation: Blame = {
            key: "secretRotationDays",
            problem: `is ${rotationDays}, too long for secretLifetimeDays (${lifetimeDays}): 2 x secretRotationDays + ${MIN_SLACK_DAYS} days of slack must not exceed it; ${why}`,
            fix: [...setTo("secretRotationDays", String(Math.max(1, Math.floor((lifetimeDays - MIN_SLACK_DAYS) / 2)))), bothDefaults],
        };
        // When no lifetime Microsoft and the tenant allow would fit, the rotation period is what must change.
        pending.push(needed > maxLifetimeDays ? [blameRotation, blameLifetime] : [blameLifetime, blameRotation]);
    }
    if (rotationDays !== undefined && lifetimeDays !== undefined && capDays !== undefined && lifetimeDays > capDays) {
        const fitting = scheduleWithinCap({ rotationDays, lifetimeDays }, capDays) ?? [];
        const rotationNote = fitting.some((c) => c.key === "secretRotationDays")
            ? `; a lifetime of ${capDays} days covers a rotation period of at most ${longestRotationFor(capDays)} days (2 x ${longestRotationFor(capDays)} + ${MIN_SLACK_DAYS} <= ${capDays})`
            : "";
        pending.push([{
            key: "secretLifetimeDays",
            problem: `is ${lifetimeDays}, above secretLifetimeCapDays (${capDays}), the longest client secret the tenant's app-management ` +
                `policy allows: Microsoft would refuse the new secret with CredentialInvalidLifetimeAsPerAppPolicy${rotationNote}`,
            fix: [fitting.filter((c) => c.key !== "secretLifetimeCapDays")],
        }]);
    }

    // Consent and ownership.
    const consentText = text("grantAdminConsent");
    let grantAdminConsent: boolean | undefined = DEFAULTS.grantAdminConsent;
    if (consentText !== undefined) {
        grantAdminConsent = consentText === "true" ? true : consentText === "false" ? false
            : fail("grantAdminConsent", `is ${show(consentText)}; it must be true or false`, setTo("grantAdminConsent", "true", "false"));
    }
    const owners = stringList("owners", "<object ID from: az ad user show --id <upn> --query id>") ?? [];
    owners.forEach((owner, i) => {
        if (!isGuid(owner)) {
            fail("owners", `entry ${i} is ${show(owner)}, not an object ID (a GUID)`,
                [[{ key: "owners", index: i, value: "<object ID from: az ad user show --id <upn> --query id>" }]]);
        }
    });
    const adoptText = text("adoptApplicationObjectId");
    if (adoptText !== undefined && !isGuid(adoptText)) {
        fail("adoptApplicationObjectId", `is ${show(adoptText)}, not an application object ID (a GUID)`,
            [[{ key: "adoptApplicationObjectId", value: "<Object ID from the app registration's Overview page>" }]]);
    }

    // What an adopted registration keeps besides what NocoBase mail needs.
    const keptUris = (key: ConfigKey, platform: RedirectPlatform): string[] => {
        const uris = stringList(key, "https://app.example.com/callback") ?? [];
        uris.forEach((uri, i) => {
            const problem = redirectUriProblem(platform, uri);
            if (problem !== undefined) {
                fail(key, `entry ${i} is ${show(uri)}, which ${problem}`, [[{ key, index: i, value: "https://app.example.com/callback" }]]);
            }
        });
        return [...new Set(uris)];
    };
    const additionalWebRedirectUris = keptUris("additionalWebRedirectUris", "web").filter((u) => !redirectUris.includes(u));
    const spaRedirectUris = keptUris("spaRedirectUris", "spa");
    const publicClientRedirectUris = keptUris("publicClientRedirectUris", "publicClient");
    const allUris = redirectUris.length + additionalWebRedirectUris.length + spaRedirectUris.length + publicClientRedirectUris.length;
    if (allUris > limits.maxRedirectUris && redirectUris.length <= limits.maxRedirectUris) {
        fail("additionalWebRedirectUris", `with spaRedirectUris and publicClientRedirectUris gives ${allUris} redirect URIs; ` +
            `Microsoft allows at most ${limits.maxRedirectUris} in all`, "remove redirect URIs the application no longer needs from these lists");
    }
    const additionalPermissions: ApiPermission[] = [];
    (stringList("additionalPermissions", "00000003-0000-0000-c000-000000000000/Scope/<permission ID>") ?? []).forEach((entry, i) => {
        const parsed = parseApiPermission(entry);
        if (typeof parsed === "string") {
            fail("additionalPermissions", `entry ${i} ${show(entry)} ${parsed}`,
                [[{ key: "additionalPermissions", index: i, value: "<00000003-0000-0000-c000-000000000000/Scope/permission ID>" }]]);
        } else {
            additionalPermissions.push(parsed);
        }
    });
    const grantIdText = text("adoptAdminConsentGrantId");
    if (grantIdText !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(grantIdText)) {
        fail("adoptAdminConsentGrantId", `is ${show(grantIdText)}, not an oauth2PermissionGrant ID`,
            [[{ key: "adoptAdminConsentGrantId", value: "<id from nocobase-entra-mail adopt>" }]]);
    }
    if (grantIdText !== undefined && grantAdminConsent === false) {
        fail("adoptAdminConsentGrantId", `is ${show(grantIdText)} but grantAdminConsent is false, so no grant is managed to import it into`,
            [[{ key: "adoptAdminConsentGrantId", value: undefined }], [{ key: "grantAdminConsent", value: "true" }]]);
    }

    // Hand-over to NocoBase.
    const variable = (key: "nocobaseClientIdVariable" | "nocobaseClientSecretVariable"): string => {
        const name = text(key) ?? DEFAULTS[key];
        const problem = variableNameProblem(name);
        if (problem !== null) {
            fail(key, withValue(name, problem, show), setTo(key, DEFAULTS[key], `${DEFAULTS[key]}_2`));
        }
        return name;
    };
    const clientIdVariable = variable("nocobaseClientIdVariable");
    const clientSecretVariable = variable("nocobaseClientSecretVariable");
    const sameName = variableNamesProblem(clientIdVariable, clientSecretVariable);
    if (sameName !== null) {
        fail("nocobaseClientSecretVariable", withValue(clientSecretVariable, sameName, show),
            setTo("nocobaseClientSecretVariable", DEFAULTS.nocobaseClientSecretVariable, `${clientIdVariable}_SECRET`));
    }
    const apiUrlText = text("nocobaseApiUrl");
    let apiUrl = primary === undefined ? "" : `${primary.base.origin}${primary.base.publicPath}/api`;
    if (apiUrlText !== undefined) {
        const problem = apiUrlProblem(apiUrlText);
        if (problem === null) {
            apiUrl = normaliseApiUrl(apiUrlText);
        } else {
            fail("nocobaseApiUrl", withValue(apiUrlText, problem, show),
                [[{ key: "nocobaseApiUrl", value: "https://crm.internal.example.com/api" }], [{ key: "nocobaseApiUrl", value: undefined }]]);
        }
    }

    // What the Email Manager reads, and which pasted secret an administrator confirmed.
    const emailSettingsText = text("emailSettings");
    let emailSettings: EmailSettingsMode | undefined;
    if (emailSettingsText !== undefined) {
        emailSettings = isEmailSettingsMode(emailSettingsText) ? emailSettingsText
            : fail("emailSettings", `is ${show(emailSettingsText)}; it must be one of ${EMAIL_SETTINGS_MODES.join(", ")} ` +
                "(pasted: an administrator types client ID and secret into Email Settings; variables: Email Settings read {{$env...}})",
            setTo("emailSettings", "pasted", "variables"));
    }
    const pastedText = text("pastedSecretKeyId");
    if (pastedText !== undefined && !isGuid(pastedText)) {
        // Where a pasted secret is kept, the fix is the command to complete with the key ID (validation cannot
        // pick a placeholder); on a variables stack, no confirmation belongs.
        fail("pastedSecretKeyId", `is ${show(pastedText)}, not a client secret's key ID (a GUID)`, emailSettings === "variables"
            ? [[{ key: "pastedSecretKeyId", value: undefined }]]
            : [[{ key: "pastedSecretKeyId", value: `<key ID from: nocobase-entra-mail email-settings --stack ${raw.stack}>` }]]);
    } else if (pastedText !== undefined && emailSettings === "variables") {
        const why = "a confirmed pasted secret means the Email Manager holds a pasted secret, not the variables";
        pending.push([
            { key: "pastedSecretKeyId", problem: `is set but emailSettings is variables; ${why}`, fix: [[{ key: "pastedSecretKeyId", value: undefined }]] },
            { key: "emailSettings", problem: `is variables but pastedSecretKeyId is set; ${why}`, fix: setTo("emailSettings", "pasted") },
        ]);
    }

    if (pending.length > 0 || primary === undefined || audience === undefined || rotationDays === undefined ||
        lifetimeDays === undefined || generation === undefined || grantAdminConsent === undefined) {
        return { pending };
    }
    const nocobaseTarget = { apiUrl, clientIdVariable, clientSecretVariable };
    return {
        settings: {
            stack: raw.stack,
            nocobaseUrls: bases,
            nocobaseSubApp: subApp,
            redirectUris,
            displayName,
            signInAudience: audience,
            rotation: { rotationDays, lifetimeDays, generation },
            secretLifetimeCapDays: capDays,
            grantAdminConsent,
            owners: [...new Set(owners.map((o) => o.toLowerCase()))],
            adoptApplicationObjectId: adoptText?.toLowerCase(),
            additionalWebRedirectUris,
            spaRedirectUris,
            publicClientRedirectUris,
            additionalPermissions,
            adoptAdminConsentGrantId: grantIdText,
            emailSettings,
            pastedSecretKeyId: pastedText?.toLowerCase(),
            nocobase: raw.nocobaseApiTokenSet ? nocobaseTarget : undefined,
            nocobaseTarget,
            values: values as unknown as ConfigValues,
        },
    };
}

/** One message for all problems, in the order of the keys, named as `audience` knows them. */
export function formatProblems(problems: readonly ConfigProblem[], audience: FixAudience = STACK): string {
    const named = (key: string): string => audience.kind === "stack" || key === API_TOKEN_KEY ? `${CONFIG_NAMESPACE}:${key}` : `input ${key}`;
    const lines = problems.map((p) => `  - ${named(p.key)} ${p.problem}${/[.?!]$/.test(p.problem) ? "" : "."}\n    Fix: ${p.fix}`);
    const noun = problems.length === 1 ? "problem" : "problems";
    const subject = audience.kind === "stack" ? "Stack configuration has" : `NocobaseMail "${audience.name}" has inputs with`;
    return `${subject} ${problems.length} ${noun}; nothing was created or changed:\n${lines.join("\n")}`;
}
