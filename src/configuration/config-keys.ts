/**
 * The one table of configuration keys: each key's type, default, description and, for the component, whether
 * it must be a plain value. Everything else follows from it: the keys `pulumi up` reads and the unknown ones it
 * refuses, each value's type check, the defaults `validateSettings` applies, the `config:` block of Pulumi.yaml,
 * the component's `NocobaseMailArgs` (its JSDoc, hence the schema and every generated SDK) and the README's
 * configuration table. The last three are written by `npm run generate:config` and a test fails while they
 * differ from this table. Rules that need more than a type (URLs, GUIDs, a rule between two keys) are in
 * settings.ts.
 */
import { DEFAULT_CLIENT_ID_VARIABLE, DEFAULT_CLIENT_SECRET_VARIABLE } from "../nocobase/variable-names";
import { EMAIL_SETTINGS_MODES } from "../registration/pasted-secret";
import { MIN_SLACK_DAYS } from "../registration/secret-rotation";
import { DEFAULT_SIGN_IN_AUDIENCE, SIGN_IN_AUDIENCES } from "../registration/sign-in-audience";

/** The project name, which is also the configuration namespace. */
export const CONFIG_NAMESPACE = "nocobase-entra-mail";

export type KeyType = "string" | "integer" | "boolean" | "string[]";

type ValueOf<T extends KeyType> = T extends "string" ? string : T extends "integer" ? number : T extends "boolean" ? boolean : readonly string[];

export interface KeyDefinition<T extends KeyType = KeyType> {
    readonly type: T;
    /** One sentence or two: Pulumi.yaml's description, the component input's JSDoc and the README row say it. */
    readonly description: string;
    /**
     * The value an unset key takes; absent for a required key. For a string, "" means "not set": nothing, or
     * the value `derivedDefault` describes.
     */
    readonly default?: ValueOf<T>;
    /** How tables show a default computed from other keys (the declared default is then ""). */
    readonly derivedDefault?: string;
    /** The only values accepted, for a string key that names one of a few choices. */
    readonly values?: readonly string[];
    /** Smallest value accepted, for an integer key. */
    readonly minimum?: number;
    /**
     * For the component: why the value must be known when the program starts (it decides which resources exist
     * or which secret is replaced). Absent: the component takes a `pulumi.Input`, an output of another resource.
     */
    readonly plainBecause?: string;
    /** Where the key is read: stack configuration and component input (default), or one of them. */
    readonly scope?: "stack" | "component";
    /** A secret key: only `pulumi config set --secret`; Pulumi.yaml cannot declare it (a secret has no default). */
    readonly secret?: boolean;
}

/** Identity function that keeps each entry's literal type, so that a value's type follows from its key. */
function keyTable<const T extends { readonly [key: string]: KeyDefinition }>(table: T): T {
    return table;
}

export const CONFIG_KEY_TABLE = keyTable({
    nocobaseUrl: {
        type: "string",
        description: "URL at which users open NocoBase, including any public path (https://crm.example.com, https://example.com/nocobase); https, or http for localhost.",
    },
    nocobaseSubApp: {
        type: "string", default: "",
        description: "Name of a NocoBase sub-application (multi-app manager); its callback and variables live under /apps/<name>. Empty for the main application.",
    },
    extraNocobaseUrls: {
        type: "string[]", default: [],
        description: "Further URLs of the same NocoBase (other host names); each gets its callback too.",
    },
    displayName: {
        type: "string", default: "", derivedDefault: "NocoBase Email (<stack>)",
        description: "Name of the app registration, at most 90 characters with personal accounts (120 otherwise).",
    },
    signInAudience: {
        type: "string", default: DEFAULT_SIGN_IN_AUDIENCE, values: SIGN_IN_AUDIENCES,
        plainBecause: "it decides whether the stack manages the registration's access-token version, which Graph requires to be 2 for personal accounts",
        description: `Who may sign in: ${SIGN_IN_AUDIENCES.join(", ")}.`,
    },
    secretRotationDays: {
        type: "integer", default: 60, minimum: 1,
        plainBecause: "it decides which rotation window is current, so whether this run replaces a client secret and which slot",
        description: "Length of a rotation window in days: the first update in a new window replaces the secret slot NocoBase does not hold and moves NocoBase to it.",
    },
    secretLifetimeDays: {
        type: "integer", default: 180, minimum: 2,
        plainBecause: "it decides each client secret's expiry, so whether this run replaces one",
        description: `Days each client secret stays valid from its rotation window's start: at least 2 x secretRotationDays + ${MIN_SLACK_DAYS} days of slack, at most 730.`,
    },
    secretLifetimeCapDays: {
        type: "integer", default: 0, minimum: 0,
        plainBecause: "it is checked against secretLifetimeDays before any resource is declared, since Microsoft would refuse a longer secret",
        description: "The longest client secret in days the tenant's app-management policy allows (its passwordLifetime maxLifetime, e.g. P90D is 90); a longer secretLifetimeDays is refused before anything is created. 0 declares no cap.",
    },
    secretGeneration: {
        type: "integer", default: 1, minimum: 1,
        plainBecause: "raising it replaces a client secret this run",
        description: "Raise it to rotate the client secret now; the secret NocoBase held stays valid as the fallback.",
    },
    grantAdminConsent: {
        type: "boolean", default: false,
        plainBecause: "it decides whether the tenant-wide consent grant exists",
        description: "Grant the delegated mail scopes tenant-wide (admin consent) for the users of the home tenant.",
    },
    owners: {
        type: "string[]", default: [],
        description: "Extra owner object IDs (users or service principals); the deploying identity is always an owner.",
    },
    adoptApplicationObjectId: {
        type: "string", default: "",
        plainBecause: "it decides whether the registration is imported or created, and is compared with the one the stack manages",
        description: "Object ID of an app registration made by hand, imported by the first update and never deleted by the stack (nocobase-entra-mail adopt --write sets it). Empty to create one.",
    },
    additionalWebRedirectUris: {
        type: "string[]", default: [],
        description: "Web redirect URIs the registration keeps besides NocoBase's callbacks (nocobase-entra-mail adopt --write sets them).",
    },
    spaRedirectUris: {
        type: "string[]", default: [],
        description: "Single-page-application redirect URIs the registration keeps.",
    },
    publicClientRedirectUris: {
        type: "string[]", default: [],
        description: "Mobile and desktop (public client) redirect URIs the registration keeps.",
    },
    additionalPermissions: {
        type: "string[]", default: [],
        description: "Permissions kept besides the five mail scopes, each <resource app ID>/<Scope|Role>/<permission ID>.",
    },
    adoptAdminConsentGrantId: {
        type: "string", default: "",
        plainBecause: "it decides whether the consent grant is imported or created",
        description: "ID of a tenant-wide consent grant made in the portal, imported instead of created (needs grantAdminConsent). Empty to create one.",
    },
    nocobaseApiToken: {
        type: "string", scope: "stack", secret: true,
        description: "NocoBase API key (or NOCOBASE_API_TOKEN in the environment of pulumi up); with neither, nothing is written into NocoBase and the hand-over is manual. An empty key is refused.",
    },
    nocobaseApiUrl: {
        type: "string", default: "", derivedDefault: "<nocobaseUrl>/api",
        description: "NocoBase's HTTP API as the deployer reaches it (https, or http for localhost).",
    },
    nocobaseClientIdVariable: {
        type: "string", default: DEFAULT_CLIENT_ID_VARIABLE,
        description: "NocoBase variable (Variables and secrets) that receives the client ID.",
    },
    nocobaseClientSecretVariable: {
        type: "string", default: DEFAULT_CLIENT_SECRET_VARIABLE,
        description: "NocoBase secret variable that receives the client secret.",
    },
    emailSettings: {
        type: "string", default: "", values: EMAIL_SETTINGS_MODES, derivedDefault: "<pasted for a new stack, variables for one deployed before>",
        plainBecause: "it decides whether a rotation may replace the secret an administrator pasted",
        description: "What NocoBase's Email Settings read: pasted (an administrator pastes client ID and secret; the confirmed secret is never deleted) or variables ({{$env...}} references).",
    },
    pastedSecretKeyId: {
        type: "string", default: "",
        plainBecause: "it decides which secret slot a rotation must keep",
        description: "Key ID of the client secret an administrator confirmed pasting into Email Settings (nocobase-entra-mail email-settings --stack <name> prints it); one of the stack's secrets, not with emailSettings variables.",
    },
    handOverToNocobase: {
        type: "boolean", default: false, scope: "component",
        plainBecause: "it decides whether the NocoBase hand-over resource exists",
        description: "Write client ID and secret into NocoBase's variables, with the API key from the secret configuration nocobase-entra-mail:nocobaseApiToken or NOCOBASE_API_TOKEN.",
    },
});

export type KeyTable = Readonly<Record<string, KeyDefinition>>;

type Table = typeof CONFIG_KEY_TABLE;

/** Keys of the stack's configuration (all but component-only ones). */
export type StackKey = { [K in keyof Table]: Table[K] extends { readonly scope: "component" } ? never : K }[keyof Table];

/** Keys the program reads as plain text besides the secret API key. */
export type ConfigKey = Exclude<StackKey, "nocobaseApiToken">;

/** The secret key of the namespace; set only with `pulumi config set --secret`. */
export const API_TOKEN_KEY = "nocobaseApiToken" satisfies StackKey;

/** The keys of a table that stack configuration holds, in the table's order. */
export function stackKeys(table: KeyTable): string[] {
    return Object.entries(table).filter(([, d]) => d.scope !== "component").map(([key]) => key);
}

/** The keys of a table a component takes as inputs, in the table's order. */
export function componentKeys(table: KeyTable): string[] {
    return Object.entries(table).filter(([, d]) => d.scope !== "stack").map(([key]) => key);
}

/** Every key the program reads besides the secret `nocobaseApiToken`. */
export const CONFIG_KEYS = stackKeys(CONFIG_KEY_TABLE).filter((key) => key !== API_TOKEN_KEY) as readonly ConfigKey[];

/** Typed value of a key. */
export type ConfigValue<K extends keyof Table> = ValueOf<Table[K]["type"]>;

/** Each key's value once its type is checked: the default where unset; undefined for an unset key without one. */
export type ConfigValues = { readonly [K in ConfigKey]: Table[K] extends { readonly default: unknown } ? ConfigValue<K> : ConfigValue<K> | undefined };

/** Defaults of the keys that have one. */
export const DEFAULTS = Object.fromEntries(Object.entries(CONFIG_KEY_TABLE as KeyTable)
    .filter(([, d]) => d.default !== undefined && d.default !== "" && d.scope !== "component")
    .map(([key, d]) => [key, d.default])) as {
    readonly [K in ConfigKey as Table[K] extends { readonly default: "" } ? never : Table[K] extends { readonly default: unknown } ? K : never]:
        Table[K] extends { readonly default: infer D } ? D : never
};

/** Whether a key's values are numbers, booleans or one of a few names, never a credential: a message may repeat them. */
export function isShownKey(table: KeyTable, key: string): boolean {
    const definition = table[key] as KeyDefinition | undefined;
    return definition !== undefined && (definition.type === "integer" || definition.type === "boolean" || definition.values !== undefined);
}
