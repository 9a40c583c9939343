/**
 * The stack's configuration, validated. `validateSettings` is pure: raw strings in (as stack config holds
 * them), typed settings or a list of problems out. Every problem names the key, shows the bad value and
 * gives the fix as a `pulumi config set` command.
 */
import {
    apiUrlProblem, DEFAULT_CLIENT_ID_VARIABLE, DEFAULT_CLIENT_SECRET_VARIABLE, normaliseApiUrl, variableNameProblem,
    variableNamesProblem,
} from "./nocobase/variable-names";
import { isGuid } from "./microsoft-graph";
import { ApiPermission, parseApiPermission, RedirectPlatform, redirectUriProblem } from "./adoption/kept-settings";
import { mailCallbackUris, NocobaseBaseUrl, parseNocobaseUrl, parseSubAppName } from "./redirect-uris";
import { MIN_SLACK_DAYS, RotationPolicy } from "./secret-rotation";
import {
    audienceLimits, DEFAULT_SIGN_IN_AUDIENCE, isSignInAudience, SIGN_IN_AUDIENCES, SignInAudience,
} from "./sign-in-audience";

/** The project name, which is also the configuration namespace. */
export const CONFIG_NAMESPACE = "nocobase-entra-mail";

/** Defaults; Pulumi.yaml declares the same ones (a test keeps the two in step). */
export const DEFAULTS = {
    extraNocobaseUrls: [] as string[],
    signInAudience: DEFAULT_SIGN_IN_AUDIENCE,
    secretRotationDays: 60,
    secretLifetimeDays: 180,
    secretGeneration: 1,
    grantAdminConsent: false,
    owners: [] as string[],
    nocobaseClientIdVariable: DEFAULT_CLIENT_ID_VARIABLE,
    nocobaseClientSecretVariable: DEFAULT_CLIENT_SECRET_VARIABLE,
    additionalWebRedirectUris: [] as string[],
    spaRedirectUris: [] as string[],
    publicClientRedirectUris: [] as string[],
    additionalPermissions: [] as string[],
} as const;

/** Longest secret lifetime accepted: Microsoft's 24-month maximum for client secrets. */
export const MAX_SECRET_LIFETIME_DAYS = 730;

/** Every key the program reads besides the secret `nocobaseApiToken`. */
export const CONFIG_KEYS = [
    "nocobaseUrl", "nocobaseSubApp", "extraNocobaseUrls", "displayName", "signInAudience",
    "secretRotationDays", "secretLifetimeDays", "secretGeneration", "grantAdminConsent", "owners",
    "adoptApplicationObjectId", "nocobaseApiUrl", "nocobaseClientIdVariable", "nocobaseClientSecretVariable",
    "additionalWebRedirectUris", "spaRedirectUris", "publicClientRedirectUris", "additionalPermissions",
    "adoptAdminConsentGrantId",
] as const;

export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** Stack configuration as Pulumi hands it over: strings (arrays as JSON), undefined when unset. */
export type RawSettings = { readonly [K in ConfigKey]?: string } & {
    /** Stack name, for the default display name. */
    readonly stack: string;
    /** Whether `nocobaseApiToken` is set; its value never reaches validation. */
    readonly nocobaseApiTokenSet: boolean;
};

export interface NocobaseDelivery {
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
    /** Where the stack writes the client ID and secret in NocoBase; undefined when no API token is set. */
    readonly nocobase: NocobaseDelivery | undefined;
    /** Variable names and API URL, known even without a token (for the manual hand-over). */
    readonly nocobaseTarget: NocobaseDelivery;
}

export interface ConfigProblem {
    readonly key: ConfigKey;
    /** What is wrong, with the bad value quoted. */
    readonly problem: string;
    /** What to run or change. */
    readonly fix: string;
}

export type Validated = { readonly ok: true; readonly settings: Settings } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };


/** `pulumi config set` for a key, as users type it. */
export function configSet(key: ConfigKey | "nocobaseApiToken", example: string, flags = ""): string {
    return `pulumi config set ${flags}${CONFIG_NAMESPACE}:${key} ${example}`;
}

function show(value: string): string {
    return JSON.stringify(value);
}

/** Prefixes the quoted value unless the problem text already quotes it. */
function withValue(value: string, problem: string): string {
    return problem.startsWith(show(value)) ? problem : `is ${show(value)}: ${problem}`;
}

/** Validates all configuration at once, so a user sees every problem in one run. */
export function validateSettings(raw: RawSettings): Validated {
    const problems: ConfigProblem[] = [];
    const fail = (key: ConfigKey, problem: string, fix: string): undefined => {
        problems.push({ key, problem, fix });
        return undefined;
    };
    const text = (key: ConfigKey): string | undefined => {
        const value = raw[key];
        return value === undefined || value.trim() === "" ? undefined : value.trim();
    };

    const integer = (key: ConfigKey, fallback: number, min: number, example: string): number | undefined => {
        const value = text(key);
        if (value === undefined) {
            return fallback;
        }
        const parsed = Number(value);
        if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
            return fail(key, `is ${show(value)}, not a whole number`, configSet(key, example));
        }
        if (parsed < min) {
            return fail(key, `is ${parsed}; it must be at least ${min}`, configSet(key, example));
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
            return fail(key, `is ${show(value)}, not a list`, `pulumi config set --path '${CONFIG_NAMESPACE}:${key}[0]' ${example}`);
        }
        if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === "string")) {
            return fail(key, `is ${show(value)}, not a list of strings`, `pulumi config set --path '${CONFIG_NAMESPACE}:${key}[0]' ${example}`);
        }
        return parsed;
    };

    const parseUrl = (key: ConfigKey, value: string, fix: string): NocobaseBaseUrl | undefined => {
        const parsed = parseNocobaseUrl(value);
        return parsed.ok ? parsed.value : fail(key, `${show(value)} ${parsed.problem}`, fix);
    };

    // Where NocoBase is.
    const primaryText = text("nocobaseUrl");
    const primary = primaryText === undefined
        ? fail("nocobaseUrl", "is not set; it is the URL at which users open NocoBase", configSet("nocobaseUrl", "https://crm.example.com"))
        : parseUrl("nocobaseUrl", primaryText, configSet("nocobaseUrl", "https://crm.example.com"));
    const extras = (stringList("extraNocobaseUrls", "https://crm.example.org") ?? [])
        .map((u, i) => parseUrl("extraNocobaseUrls", u,
            `pulumi config set --path '${CONFIG_NAMESPACE}:extraNocobaseUrls[${i}]' https://crm.example.org`));
    const subAppText = text("nocobaseSubApp");
    let subApp: string | undefined;
    if (subAppText !== undefined) {
        const parsed = parseSubAppName(subAppText);
        subApp = parsed.ok ? parsed.value
            : fail("nocobaseSubApp", `${show(subAppText)} ${parsed.problem}`, configSet("nocobaseSubApp", "sales"));
    }

    // The registration.
    const audienceText = text("signInAudience") ?? DEFAULTS.signInAudience;
    const audience = isSignInAudience(audienceText) ? audienceText
        : fail("signInAudience", `is ${show(audienceText)}; it must be one of ${SIGN_IN_AUDIENCES.join(", ")}`,
            configSet("signInAudience", DEFAULTS.signInAudience));
    const limits = audienceLimits(audience ?? DEFAULTS.signInAudience);
    const displayName = text("displayName") ?? `NocoBase Email (${raw.stack})`;
    if (displayName.length > limits.maxDisplayNameLength) {
        fail("displayName", `${show(displayName)} has ${displayName.length} characters; Microsoft allows at most ` +
            `${limits.maxDisplayNameLength} for the audience ${audience ?? DEFAULTS.signInAudience}`,
            configSet("displayName", `"NocoBase Email (${raw.stack})"`));
    }

    const bases = [primary, ...extras].filter((b): b is NocobaseBaseUrl => b !== undefined);
    const redirectUris = mailCallbackUris(bases, subApp);
    if (redirectUris.length > limits.maxRedirectUris) {
        fail("extraNocobaseUrls", `gives ${redirectUris.length} redirect URIs; Microsoft allows at most ${limits.maxRedirectUris}`,
            "remove URLs from extraNocobaseUrls, or split the environments into several stacks");
    }
    for (const uri of redirectUris) {
        if (uri.length > limits.maxRedirectUriLength) {
            const key: ConfigKey = subApp !== undefined && subAppText !== undefined ? "nocobaseSubApp" : "nocobaseUrl";
            fail(key, `gives the redirect URI ${show(uri)} of ${uri.length} characters; Microsoft allows at most ` +
                `${limits.maxRedirectUriLength}`, "use a shorter NocoBase URL or sub-application name");
        }
    }

    // The secret's schedule.
    const rotationDays = integer("secretRotationDays", DEFAULTS.secretRotationDays, 1, String(DEFAULTS.secretRotationDays));
    const lifetimeDays = integer("secretLifetimeDays", DEFAULTS.secretLifetimeDays, 2, String(DEFAULTS.secretLifetimeDays));
    const generation = integer("secretGeneration", DEFAULTS.secretGeneration, 1, "2");
    if (lifetimeDays !== undefined && lifetimeDays > MAX_SECRET_LIFETIME_DAYS) {
        fail("secretLifetimeDays", `is ${lifetimeDays}; Microsoft allows client secrets of at most ` +
            `${MAX_SECRET_LIFETIME_DAYS} days (24 months)`, scheduleFix(rotationDays ?? DEFAULTS.secretRotationDays, DEFAULTS.secretLifetimeDays));
    } else if (rotationDays !== undefined && lifetimeDays !== undefined) {
        const problem = overlapProblem(rotationDays, lifetimeDays);
        if (problem !== undefined) {
            fail(problem.key, problem.problem, problem.fix);
        }
    }

    // Consent and ownership.
    const consentText = text("grantAdminConsent");
    let grantAdminConsent: boolean | undefined = DEFAULTS.grantAdminConsent;
    if (consentText !== undefined) {
        grantAdminConsent = consentText === "true" ? true : consentText === "false" ? false
            : fail("grantAdminConsent", `is ${show(consentText)}; it must be true or false`, configSet("grantAdminConsent", "true"));
    }
    const owners = stringList("owners", "00000000-0000-0000-0000-000000000000") ?? [];
    owners.forEach((owner, i) => {
        if (!isGuid(owner)) {
            fail("owners", `entry ${i} is ${show(owner)}, not an object ID (a GUID)`,
                `pulumi config set --path '${CONFIG_NAMESPACE}:owners[${i}]' <object ID from: az ad user show --id <upn> --query id>`);
        }
    });
    const adoptText = text("adoptApplicationObjectId");
    if (adoptText !== undefined && !isGuid(adoptText)) {
        fail("adoptApplicationObjectId", `is ${show(adoptText)}, not an application object ID (a GUID)`,
            configSet("adoptApplicationObjectId", "<Object ID from the app registration's Overview page>"));
    }

    // What an adopted registration keeps besides what NocoBase mail needs.
    const keptUris = (key: ConfigKey, platform: RedirectPlatform): string[] => {
        const uris = stringList(key, "https://app.example.com/callback") ?? [];
        uris.forEach((uri, i) => {
            const problem = redirectUriProblem(platform, uri);
            if (problem !== undefined) {
                fail(key, `entry ${i} is ${show(uri)}, which ${problem}`, `pulumi config set --path '${CONFIG_NAMESPACE}:${key}[${i}]' https://app.example.com/callback`);
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
                `pulumi config set --path '${CONFIG_NAMESPACE}:additionalPermissions[${i}]' 00000003-0000-0000-c000-000000000000/Scope/<permission ID>`);
        } else {
            additionalPermissions.push(parsed);
        }
    });
    const grantIdText = text("adoptAdminConsentGrantId");
    if (grantIdText !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(grantIdText)) {
        fail("adoptAdminConsentGrantId", `is ${show(grantIdText)}, not an oauth2PermissionGrant ID`,
            configSet("adoptAdminConsentGrantId", "<id from npm run adopt>"));
    }
    if (grantIdText !== undefined && grantAdminConsent === false) {
        fail("adoptAdminConsentGrantId", `is ${show(grantIdText)} but grantAdminConsent is false, so no grant is managed to import it into`,
            `pulumi config rm ${CONFIG_NAMESPACE}:adoptAdminConsentGrantId (or ${configSet("grantAdminConsent", "true")})`);
    }

    // Hand-over to NocoBase.
    const variable = (key: "nocobaseClientIdVariable" | "nocobaseClientSecretVariable"): string => {
        const name = text(key) ?? DEFAULTS[key];
        const problem = variableNameProblem(name);
        if (problem !== null) {
            fail(key, withValue(name, problem), configSet(key, DEFAULTS[key]));
        }
        return name;
    };
    const clientIdVariable = variable("nocobaseClientIdVariable");
    const clientSecretVariable = variable("nocobaseClientSecretVariable");
    const sameName = variableNamesProblem(clientIdVariable, clientSecretVariable);
    if (sameName !== null) {
        fail("nocobaseClientSecretVariable", `is ${show(clientSecretVariable)}: ${sameName}`,
            configSet("nocobaseClientSecretVariable", DEFAULTS.nocobaseClientSecretVariable));
    }
    const apiUrlText = text("nocobaseApiUrl");
    let apiUrl = primary === undefined ? "" : `${primary.origin}${primary.publicPath}/api`;
    if (apiUrlText !== undefined) {
        const problem = apiUrlProblem(apiUrlText);
        if (problem === null) {
            apiUrl = normaliseApiUrl(apiUrlText);
        } else {
            fail("nocobaseApiUrl", withValue(apiUrlText, problem), configSet("nocobaseApiUrl", "https://crm.internal.example.com/api"));
        }
    }

    if (problems.length > 0 || primary === undefined || audience === undefined || rotationDays === undefined ||
        lifetimeDays === undefined || generation === undefined || grantAdminConsent === undefined) {
        return { ok: false, problems };
    }
    const nocobaseTarget = { apiUrl, clientIdVariable, clientSecretVariable };
    return {
        ok: true,
        settings: {
            stack: raw.stack,
            nocobaseUrls: bases,
            nocobaseSubApp: subApp,
            redirectUris,
            displayName,
            signInAudience: audience,
            rotation: { rotationDays, lifetimeDays, generation },
            grantAdminConsent,
            owners: [...new Set(owners.map((o) => o.toLowerCase()))],
            adoptApplicationObjectId: adoptText?.toLowerCase(),
            additionalWebRedirectUris,
            spaRedirectUris,
            publicClientRedirectUris,
            additionalPermissions,
            adoptAdminConsentGrantId: grantIdText,
            nocobase: raw.nocobaseApiTokenSet ? nocobaseTarget : undefined,
            nocobaseTarget,
        },
    };
}

/**
 * The overlap rule: the secret NocoBase leaves must outlive the next whole window after a switch that may
 * itself come late, so lifetime >= 2 x rotation + slack, with at least MIN_SLACK_DAYS of slack for late runs.
 * The fix is accepted by this rule: the lifetime it needs when Microsoft's maximum allows it, otherwise the
 * default schedule.
 */
function overlapProblem(rotationDays: number, lifetimeDays: number): ConfigProblem | undefined {
    const needed = 2 * rotationDays + MIN_SLACK_DAYS;
    if (lifetimeDays >= needed) {
        return undefined;
    }
    const problem = `is ${lifetimeDays}, below 2 x secretRotationDays (${rotationDays}) + ${MIN_SLACK_DAYS} days of slack = ${needed}; ` +
        "the secret NocoBase leaves at a rotation must stay valid for a whole rotation period after a run that may come late";
    return { key: "secretLifetimeDays", problem, fix: scheduleFix(rotationDays, needed) };
}

/** A lifetime of at least `lifetimeDays` that fits the rotation, or the default schedule when none fits. */
function scheduleFix(rotationDays: number, lifetimeDays: number): string {
    const needed = Math.max(lifetimeDays, 2 * rotationDays + MIN_SLACK_DAYS);
    if (needed <= MAX_SECRET_LIFETIME_DAYS) {
        return configSet("secretLifetimeDays", String(needed));
    }
    return `${configSet("secretRotationDays", String(DEFAULTS.secretRotationDays))} && ` +
        configSet("secretLifetimeDays", String(DEFAULTS.secretLifetimeDays));
}

/** One message for all problems, in the order of the keys. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
    const lines = problems.map((p) => `  - ${CONFIG_NAMESPACE}:${p.key} ${p.problem}.\n    Fix: ${p.fix}`);
    const noun = problems.length === 1 ? "problem" : "problems";
    return `Stack configuration has ${problems.length} ${noun}; nothing was created or changed:\n${lines.join("\n")}`;
}
