/**
 * What the package's provider plugin does for the resource `nocobase-entra-mail:nocobase:Variables`: the
 * two NocoBase "Variables and secrets" entries the Email settings reference, the client ID (plain) and the
 * client secret (type secret, encrypted at rest by NocoBase), written by the shared hand-over (handover.ts):
 * the secret only once Microsoft accepts it, a key-ID record beside it, and a restart of NocoBase whenever
 * NocoBase reports unapplied changes. The plugin's gRPC side (src/provider/) hands these methods plain
 * values: secrets unwrapped, the legacy dynamic provider's `__provider` removed.
 *
 * The API key comes from the provider's configuration (`configure`) or the environment when a method
 * runs; Microsoft's endpoints for the proof from the environment (AZURE_AUTHORITY_HOST).
 *
 * State (outputs) keeps no secret: a rotation is seen as a change of the secret's key ID, which Microsoft
 * assigns anew for every secret, so diff needs no request and a run with nothing changed writes nothing.
 */
import { NocobaseClient, type NocobaseRequestEvent } from "./client";
import { handOver, type HandoverValues, holdsSecret, keyIdRecordName } from "./handover";
import type { SecretProofOptions } from "./secret-proof";

export const API_TOKEN_CONFIG_KEY = "nocobase-entra-mail:nocobaseApiToken";
export const API_TOKEN_ENV = "NOCOBASE_API_TOKEN";
export const API_URL_CONFIG_KEY = "nocobase-entra-mail:nocobaseApiUrl";

/** Where the variables live: NocoBase's API and, for a sub-application, its name. */
export interface NocobaseTarget {
    readonly apiUrl: string;
    /** Sub-application of NocoBase's multi-app manager; absent for the main application. */
    readonly appName?: string;
}

export interface MailVariablesInputs extends NocobaseTarget, HandoverValues {}

/**
 * What the state records. An empty `clientId`/`clientSecretKeyId` means refresh found the entry missing,
 * not current, or NocoBase waiting for a restart, so that the next `up` finishes the job.
 */
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
    /** The proof at Microsoft before the secret is written; tests shorten its bound. */
    readonly proof?: SecretProofOptions;
    /** Called for every HTTP exchange with NocoBase; tests count reads and writes with it. */
    readonly onRequest?: (event: NocobaseRequestEvent) => void;
}

export interface MailVariablesProvider {
    /** Set by `configure` from the provider's configuration; never part of a resource's inputs or outputs. */
    apiToken: string | undefined;
    readonly options: MailVariablesProviderOptions;
    /** The provider's configuration `nocobaseApiToken` (stack config nocobase-entra-mail:nocobaseApiToken). */
    configure(apiToken: string | undefined): void;
    client(target: NocobaseTarget): NocobaseClient;
    diff(id: string, olds: MailVariablesOutputs, news: MailVariablesInputs): { changes: boolean };
    create(inputs: MailVariablesInputs): Promise<{ id: string; outs: MailVariablesOutputs }>;
    update(id: string, olds: MailVariablesOutputs, news: MailVariablesInputs): Promise<{ outs: MailVariablesOutputs }>;
    delete(id: string, props: MailVariablesOutputs): Promise<void>;
    read(id: string, props?: MailVariablesOutputs): Promise<{ id: string; props: MailVariablesOutputs }>;
}

const COMPARED_FIELDS = ["apiUrl", "appName", "clientIdVariable", "clientSecretVariable", "clientId", "clientSecretKeyId"] as const;
const RERUN = "pulumi up";

export function createMailVariablesProvider(options: MailVariablesProviderOptions = {}): MailVariablesProvider {
    return {
        apiToken: undefined,
        options,

        configure(apiToken: string | undefined): void {
            this.apiToken = apiToken === undefined || apiToken === "" ? undefined : apiToken;
        },

        client(target: NocobaseTarget): NocobaseClient {
            const apiToken = this.apiToken ?? process.env[API_TOKEN_ENV];
            if (apiToken === undefined || apiToken === "") {
                throw new Error(
                    "No NocoBase API key: the NocoBase variables cannot be written or removed without one. " +
                    `Fix: pulumi config set --secret ${API_TOKEN_CONFIG_KEY} <API key> (or export ${API_TOKEN_ENV}); ` +
                    "create the key in NocoBase under Settings → API keys.");
            }
            const { proof: _proof, ...clientOptions } = this.options;
            return new NocobaseClient({
                apiUrl: target.apiUrl,
                appName: target.appName,
                apiToken,
                apiTokenHint: `pulumi config set --secret ${API_TOKEN_CONFIG_KEY} <API key> (or ${API_TOKEN_ENV})`,
                apiUrlHint: `the stack config ${API_URL_CONFIG_KEY} (default: <nocobaseUrl>/api)`,
                ...clientOptions,
            });
        },

        diff(_id: string, olds: MailVariablesOutputs, news: MailVariablesInputs): { changes: boolean } {
            const changed = COMPARED_FIELDS.filter((field) => comparable(field, olds[field]) !== comparable(field, news[field]));
            return { changes: changed.length > 0 };
        },

        async create(inputs: MailVariablesInputs): Promise<{ id: string; outs: MailVariablesOutputs }> {
            // Entries that already exist under these names are adopted: overwritten, not refused.
            await handOver(this.client(inputs), inputs, { rerun: RERUN, proof: this.options.proof });
            return { id: `${inputs.clientIdVariable},${inputs.clientSecretVariable}`, outs: recorded(inputs) };
        },

        async update(_id: string, olds: MailVariablesOutputs, news: MailVariablesInputs): Promise<{ outs: MailVariablesOutputs }> {
            const client = this.client(news);
            // Another API URL may well be the same NocoBase reached by another address: write everything
            // there and leave the old address alone rather than risk removing what was just written.
            const sameServer = comparable("apiUrl", olds.apiUrl) === comparable("apiUrl", news.apiUrl) && olds.appName === news.appName;
            const current = [news.clientIdVariable, news.clientSecretVariable, keyIdRecordName(news.clientSecretVariable)];
            const previous = [olds.clientIdVariable, olds.clientSecretVariable, keyIdRecordName(olds.clientSecretVariable)];
            const obsoleteVariables = sameServer ? previous.filter((name, i) => !current.includes(name) && previous.indexOf(name) === i) : [];
            await handOver(client, { ...news, obsoleteVariables }, { rerun: RERUN, proof: this.options.proof });
            return { outs: recorded(news) };
        },

        async delete(_id: string, props: MailVariablesOutputs): Promise<void> {
            const client = this.client(props);
            // Only the entries this resource owns; a missing one is already gone.
            await client.destroyVariable(props.clientSecretVariable);
            await client.destroyVariable(keyIdRecordName(props.clientSecretVariable));
            await client.destroyVariable(props.clientIdVariable);
        },

        async read(id: string, props?: MailVariablesOutputs): Promise<{ id: string; props: MailVariablesOutputs }> {
            if (props === undefined) {
                throw new Error(`Cannot import NocoBase variables "${id}": this resource is created by the program, not imported.`);
            }
            const recordName = keyIdRecordName(props.clientSecretVariable);
            const { variables, restartPending } = await this.client(props).listVariables([props.clientIdVariable, props.clientSecretVariable, recordName]);
            const clientIdEntry = variables.find((v) => v.name === props.clientIdVariable);
            // NocoBase never reveals a secret's plaintext: the record says which secret it holds. A missing,
            // retyped or other secret, or a pending restart, clears the key ID so the next `up` finishes it.
            const secretCurrent = holdsSecret(variables, props.clientSecretVariable, props.clientSecretKeyId) && !restartPending;
            return {
                id,
                props: {
                    ...recorded(props),
                    clientId: clientIdEntry?.type === "default" ? clientIdEntry.value ?? "" : "",
                    clientSecretKeyId: secretCurrent ? props.clientSecretKeyId : "",
                },
            };
        },
    };
}

/** The API URL is compared without a trailing slash, so `…/api/` and `…/api` are no change. */
function comparable(field: (typeof COMPARED_FIELDS)[number], value: string | undefined): string | undefined {
    return field === "apiUrl" && value !== undefined ? value.trim().replace(/\/+$/, "") : value;
}

function recorded(inputs: MailVariablesOutputs): MailVariablesOutputs {
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
