/**
 * Dynamic provider for the two NocoBase "Variables and secrets" entries the Email settings reference:
 * the client ID (plain) and the client secret (type secret, encrypted at rest by NocoBase).
 *
 * Pulumi serializes this provider's object by value into the state (the `__provider` input), together
 * with what its methods capture: keep captured values plain data and functions, and never a credential.
 * The API key is read when a method runs, from the stack config handed to `configure` or from the
 * environment.
 *
 * State (outputs) keeps no secret: a rotation is seen as a change of the secret's key ID, which Microsoft
 * assigns anew for every secret, so diff needs no request and a run with nothing changed writes nothing.
 * After writing, it restarts NocoBase's application (`app:refresh`, about 2 s of 503) because some
 * consumers render `{{$env.NAME}}` only when they load; the integration tests show a notification
 * channel keeping the old secret until then.
 */
import type * as pulumi from "@pulumi/pulumi";
import { NocobaseClient, type NocobaseRequestEvent, type NocobaseVariable, type VariableType } from "./client";

export const API_TOKEN_CONFIG_KEY = "nocobase-entra-mail:nocobaseApiToken";
export const API_TOKEN_ENV = "NOCOBASE_API_TOKEN";
export const API_URL_CONFIG_KEY = "nocobase-entra-mail:nocobaseApiUrl";

/** Where the variables live: NocoBase's API and, for a sub-application, its name. */
export interface NocobaseTarget {
    readonly apiUrl: string;
    /** Sub-application of NocoBase's multi-app manager; absent for the main application. */
    readonly appName?: string;
}

export interface MailVariablesInputs extends NocobaseTarget {
    readonly clientIdVariable: string;
    readonly clientSecretVariable: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly clientSecretKeyId: string;
}

/** What the state records. An empty `clientId`/`clientSecretKeyId` means refresh found the entry missing. */
export interface MailVariablesOutputs extends NocobaseTarget {
    readonly clientIdVariable: string;
    readonly clientSecretVariable: string;
    readonly clientId: string;
    readonly clientSecretKeyId: string;
}

export interface MailVariablesProviderOptions {
    readonly timeoutMs?: number;
    readonly maxAttempts?: number;
    readonly initialBackoffMs?: number;
    /** Called for every HTTP exchange with NocoBase; tests count reads and writes with it. */
    readonly onRequest?: (event: NocobaseRequestEvent) => void;
}

export interface MailVariablesProvider extends pulumi.dynamic.ResourceProvider<MailVariablesInputs, MailVariablesOutputs> {
    /** Set by `configure` from secret stack config; never part of a resource's inputs or outputs. */
    apiToken: string | undefined;
    readonly options: MailVariablesProviderOptions;
    client(target: NocobaseTarget): NocobaseClient;
}

const COMPARED_FIELDS = ["apiUrl", "appName", "clientIdVariable", "clientSecretVariable", "clientId", "clientSecretKeyId"] as const;

export function createMailVariablesProvider(options: MailVariablesProviderOptions = {}): MailVariablesProvider {
    return {
        apiToken: undefined,
        options,

        configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
            const configured = req.config.get(API_TOKEN_CONFIG_KEY);
            this.apiToken = configured === undefined || configured === "" ? undefined : configured;
            return Promise.resolve();
        },

        client(target: NocobaseTarget): NocobaseClient {
            const apiToken = this.apiToken ?? process.env[API_TOKEN_ENV];
            if (apiToken === undefined || apiToken === "") {
                throw new Error(
                    "No NocoBase API key: the NocoBase variables cannot be written or removed without one. " +
                    `Fix: pulumi config set --secret ${API_TOKEN_CONFIG_KEY} <API key> (or export ${API_TOKEN_ENV}); ` +
                    "create the key in NocoBase under Settings → API keys.");
            }
            return new NocobaseClient({
                apiUrl: target.apiUrl,
                appName: target.appName,
                apiToken,
                apiTokenHint: `pulumi config set --secret ${API_TOKEN_CONFIG_KEY} <API key> (or ${API_TOKEN_ENV})`,
                apiUrlHint: `the stack config ${API_URL_CONFIG_KEY} (default: <nocobaseUrl>/api)`,
                ...this.options,
            });
        },

        diff(_id: string, olds: MailVariablesOutputs, news: MailVariablesInputs): Promise<pulumi.dynamic.DiffResult> {
            const changed = COMPARED_FIELDS.filter((field) => comparable(field, olds[field]) !== comparable(field, news[field]));
            return Promise.resolve({ changes: changed.length > 0, replaces: [], deleteBeforeReplace: false });
        },

        async create(inputs: MailVariablesInputs): Promise<pulumi.dynamic.CreateResult<MailVariablesOutputs>> {
            const client = this.client(inputs);
            // Entries that already exist under these names are adopted: overwritten, not refused.
            const wroteSecret = await ensureVariable(client, inputs.clientSecretVariable, "secret", inputs.clientSecret);
            const wroteClientId = await ensureVariable(client, inputs.clientIdVariable, "default", inputs.clientId);
            if (wroteSecret || wroteClientId) {
                await client.refreshApp();
            }
            return { id: `${inputs.clientIdVariable},${inputs.clientSecretVariable}`, outs: recorded(inputs) };
        },

        async update(_id: string, olds: MailVariablesOutputs, news: MailVariablesInputs): Promise<pulumi.dynamic.UpdateResult<MailVariablesOutputs>> {
            const client = this.client(news);
            // Another API URL may well be the same NocoBase reached by another address: write everything
            // there and leave the old address alone rather than risk removing what was just written.
            const sameServer = comparable("apiUrl", olds.apiUrl) === comparable("apiUrl", news.apiUrl) && olds.appName === news.appName;
            let wrote = false;
            if (!sameServer || olds.clientSecretVariable !== news.clientSecretVariable || olds.clientSecretKeyId !== news.clientSecretKeyId) {
                wrote = await ensureVariable(client, news.clientSecretVariable, "secret", news.clientSecret);
            }
            if (!sameServer || olds.clientIdVariable !== news.clientIdVariable || olds.clientId !== news.clientId) {
                wrote = await ensureVariable(client, news.clientIdVariable, "default", news.clientId) || wrote;
            }
            if (sameServer) {
                const current = new Set([news.clientIdVariable, news.clientSecretVariable]);
                for (const renamed of new Set([olds.clientIdVariable, olds.clientSecretVariable])) {
                    if (!current.has(renamed)) {
                        await client.destroyVariable(renamed);
                    }
                }
            }
            if (wrote) {
                await client.refreshApp();
            }
            return { outs: recorded(news) };
        },

        async delete(_id: string, props: MailVariablesOutputs): Promise<void> {
            const client = this.client(props);
            // Only the two entries this resource owns; a missing one is already gone.
            await client.destroyVariable(props.clientSecretVariable);
            await client.destroyVariable(props.clientIdVariable);
        },

        async read(id: string, props?: MailVariablesOutputs): Promise<pulumi.dynamic.ReadResult<MailVariablesOutputs>> {
            if (props === undefined) {
                throw new Error(`Cannot import NocoBase variables "${id}": this resource is created by the program, not imported.`);
            }
            const client = this.client(props);
            const clientIdEntry = await client.getVariable(props.clientIdVariable);
            const secretEntry = await client.getVariable(props.clientSecretVariable);
            // NocoBase never reveals a secret's plaintext, so a secret entry of the right type is taken as
            // current; a missing or retyped entry clears the recorded key ID so the next `up` writes it again.
            return {
                id,
                props: {
                    ...props,
                    clientId: clientIdEntry?.type === "default" ? clientIdEntry.value ?? "" : "",
                    clientSecretKeyId: secretEntry?.type === "secret" ? props.clientSecretKeyId : "",
                },
            };
        },
    };
}

/** The API URL is compared without a trailing slash, so `…/api/` and `…/api` are no change. */
function comparable(field: (typeof COMPARED_FIELDS)[number], value: string | undefined): string | undefined {
    return field === "apiUrl" && value !== undefined ? value.trim().replace(/\/+$/, "") : value;
}

function recorded(inputs: MailVariablesInputs): MailVariablesOutputs {
    return {
        apiUrl: inputs.apiUrl,
        // Absent rather than undefined: states written before sub-applications were supported have no key.
        ...(inputs.appName === undefined ? {} : { appName: inputs.appName }),
        clientIdVariable: inputs.clientIdVariable,
        clientSecretVariable: inputs.clientSecretVariable,
        clientId: inputs.clientId,
        clientSecretKeyId: inputs.clientSecretKeyId,
    };
}

/**
 * Makes NocoBase hold `value` under `name` with `type`: one read, then at most one write in the usual
 * cases; returns whether it wrote. A secret is always written, since NocoBase never shows its plaintext
 * to compare with.
 */
export async function ensureVariable(client: NocobaseClient, name: string, type: VariableType, value: string): Promise<boolean> {
    return writeVariable(client, name, type, value, await client.getVariable(name));
}

/**
 * As `ensureVariable`, given what NocoBase holds under `name` (undefined: nothing). A plain entry of the
 * same name is removed and created anew as a secret: turning its type to secret with an unchanged value
 * would leave that value stored in plaintext.
 */
export async function writeVariable(client: NocobaseClient, name: string, type: VariableType, value: string,
    existing: NocobaseVariable | undefined): Promise<boolean> {
    if (existing === undefined) {
        await client.createVariable(name, type, value);
    } else if (type === "default" && existing.type === "default" && existing.value === value) {
        return false;
    } else if (type === "secret" && existing.type !== "secret") {
        await client.destroyVariable(name);
        await client.createVariable(name, type, value);
    } else if (!(await client.updateVariable(name, type, value))) {
        // Removed by someone between the read and the write.
        await client.createVariable(name, type, value);
    }
    return true;
}
