/**
 * The package's provider plugin `nocobase-entra-mail`: one provider for every Pulumi language. It serves
 * the `NocobaseMail` component (construct, through Pulumi's ComponentProvider over this package's sources)
 * and the custom resource `nocobase-entra-mail:nocobase:Variables` (check, diff, create, read, update,
 * delete: src/nocobase/variables-provider.ts). Because the code runs from the installed plugin, `refresh`
 * and `destroy` run the code the user has now, not code saved in the state (as the dynamic provider did).
 *
 * The engine hands this provider secrets wrapped (Configure accepts secrets): they are unwrapped before our
 * code sees them, and the inputs keep `clientSecret` wrapped so that the state holds it encrypted.
 *
 * CheckConfig and DiffConfig stay unimplemented (Pulumi's Node server answers UNIMPLEMENTED): the engine
 * then keeps the configuration as given (every key of the stack's `nocobase-entra-mail:` namespace, the API
 * key secret) and never replaces the provider. That is also what adopts the old dynamic resources: when an
 * aliased resource changes provider, the engine asks the *new* provider's DiffConfig about the old
 * provider's configuration (pulumi/pulumi pkg/resource/deploy/step_generator.go, providerChanged) and
 * replaces the resource if it reports a replacement, which would write the variables anew and then run the
 * old dynamic code's delete on the same names. A DiffConfig added here must never report one.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { NocobaseMail } from "../nocobase-mail/nocobase-mail";
import { VARIABLES_TYPE, LEGACY_VARIABLES_TYPE } from "../nocobase/variables";
import {
    API_TOKEN_CONFIG_KEY, API_TOKEN_ENV, createMailVariablesProvider, type MailVariablesInputs, type MailVariablesOutputs,
    type MailVariablesProvider,
} from "../nocobase/variables-provider";

export const PACKAGE_NAME = "nocobase-entra-mail";
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** Pulumi's wire markers (sdk/nodejs/runtime/rpc.ts): a secret is `{ [SIG_KEY]: SECRET_SIG, value }`. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The dynamic provider's serialized code, in the inputs and outputs of stacks deployed before this provider. */
const LEGACY_PROVIDER_PROPERTY = "__provider";

const STRING_INPUTS = ["apiUrl", "clientIdVariable", "clientSecretVariable", "clientId", "clientSecret", "clientSecretKeyId",
    "tenantId", "signInAudience"] as const;

function isSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The value with every secret envelope removed, at any depth. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecret(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function secret(value: unknown): unknown {
    return isSecret(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

function plainProperties<T>(properties: unknown): T {
    const { [LEGACY_PROVIDER_PROPERTY]: _legacyCode, ...rest } = (unwrapSecrets(properties) ?? {}) as Record<string, unknown>;
    return rest as T;
}

/** The Variables resource's and the provider's part of the schema; the component's part comes from its types. */
function variablesSchema(): Record<string, unknown> {
    const str = (description: string, secretValue = false) => ({ type: "string", description, ...(secretValue ? { secret: true } : {}) });
    const target = {
        apiUrl: str("Base URL of NocoBase's HTTP API, ending in /api."),
        appName: str("Sub-application of NocoBase's multi-app manager that holds the variables; absent for the main application."),
        clientIdVariable: str("Variable that receives the client ID (plain)."),
        clientSecretVariable: str("Variable that receives the client secret (type secret)."),
        clientId: str("The application's client ID."),
        clientSecretKeyId: str("Key ID of the client secret NocoBase holds; a change means a rotation."),
    };
    const apiToken = str(`NocoBase API key the hand-over writes with (stack config ${API_TOKEN_CONFIG_KEY}, or ${API_TOKEN_ENV}).`, true);
    return {
        config: { variables: { nocobaseApiToken: apiToken } },
        provider: { inputProperties: { nocobaseApiToken: apiToken } },
        resources: {
            [VARIABLES_TYPE]: {
                description: "The client ID and client secret as NocoBase \"Variables and secrets\" entries, the secret written only once Microsoft accepts it.",
                inputProperties: {
                    ...target,
                    clientSecret: str("The client secret value.", true),
                    tenantId: str("The application's home tenant, where the secret is proven before it is handed over."),
                    signInAudience: str("The application's sign-in audience; PersonalMicrosoftAccount cannot be proven and waits a settle time instead."),
                },
                requiredInputs: STRING_INPUTS,
                properties: target,
                required: ["apiUrl", "clientIdVariable", "clientSecretVariable", "clientId", "clientSecretKeyId"],
                aliases: [{ type: LEGACY_VARIABLES_TYPE }],
            },
        },
    };
}

function resourceType(urn: string): string {
    return urn.split("::")[2]?.split("$").at(-1) ?? "";
}

export class NocobaseEntraMailProvider implements pulumi.provider.Provider {
    readonly version: string;
    private readonly components: ComponentProvider;
    private schemaText?: string;

    constructor(readonly variables: MailVariablesProvider = createMailVariablesProvider()) {
        this.components = new ComponentProvider({ name: PACKAGE_NAME, dirname: PACKAGE_ROOT, components: [NocobaseMail] });
        this.version = this.components.version;
    }

    /** The provider's configuration as Configure receives it; every key of the stack's namespace arrives, only the API key is used. */
    configure(config: Readonly<Record<string, unknown>>): void {
        const apiToken = unwrapSecrets(config.nocobaseApiToken);
        this.variables.configure(typeof apiToken === "string" ? apiToken : undefined);
    }

    async getSchema(): Promise<string> {
        if (this.schemaText === undefined) {
            const components = JSON.parse(await this.components.getSchema()) as Record<string, Record<string, unknown>>;
            const own = variablesSchema();
            this.schemaText = JSON.stringify({
                ...components, config: own.config, provider: own.provider,
                resources: { ...components.resources, ...own.resources as Record<string, unknown> },
            });
        }
        return this.schemaText;
    }

    construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<pulumi.provider.ConstructResult> {
        return this.components.construct(name, type, inputs, options);
    }

    check(urn: string, _olds: unknown, news: Record<string, unknown>): Promise<pulumi.provider.CheckResult> {
        this.expectVariables(urn);
        const plain = plainProperties<Record<string, unknown>>(news);
        const failures: pulumi.provider.CheckFailure[] = STRING_INPUTS.filter((key) => typeof plain[key] !== "string" || plain[key] === "")
            .map((key) => ({ property: key, reason: `${key} is required: a non-empty string.` }));
        if (plain.appName !== undefined && typeof plain.appName !== "string") {
            failures.push({ property: "appName", reason: "appName must be a string (the sub-application's name)." });
        }
        const { [LEGACY_PROVIDER_PROPERTY]: _legacyCode, ...inputs } = news;
        // The secret stays secret in the state's inputs even if a program passed it as a plain string.
        return Promise.resolve({ inputs: { ...inputs, clientSecret: secret(news.clientSecret) }, failures });
    }

    diff(id: string, urn: string, olds: unknown, news: unknown): Promise<pulumi.provider.DiffResult> {
        this.expectVariables(urn);
        // A state of the old dynamic provider has the same fields besides `__provider`: when they match,
        // the aliased resource is adopted as it is (no write to NocoBase).
        return Promise.resolve(this.variables.diff(id, plainProperties<MailVariablesOutputs>(olds), plainProperties<MailVariablesInputs>(news)));
    }

    create(urn: string, inputs: unknown): Promise<pulumi.provider.CreateResult> {
        this.expectVariables(urn);
        return this.variables.create(plainProperties<MailVariablesInputs>(inputs));
    }

    read(id: string, urn: string, props?: unknown): Promise<pulumi.provider.ReadResult> {
        this.expectVariables(urn);
        // An import hands no properties (an empty object): the variables' state cannot be imported.
        const plain = plainProperties<MailVariablesOutputs>(props);
        return this.variables.read(id, Object.keys(plain).length === 0 ? undefined : plain);
    }

    update(id: string, urn: string, olds: unknown, news: unknown): Promise<pulumi.provider.UpdateResult> {
        this.expectVariables(urn);
        return this.variables.update(id, plainProperties<MailVariablesOutputs>(olds), plainProperties<MailVariablesInputs>(news));
    }

    delete(id: string, urn: string, props: unknown): Promise<void> {
        this.expectVariables(urn);
        return this.variables.delete(id, plainProperties<MailVariablesOutputs>(props));
    }

    private expectVariables(urn: string): void {
        const type = resourceType(urn);
        if (type !== VARIABLES_TYPE) {
            throw new Error(`The ${PACKAGE_NAME} provider has no custom resource of type "${type}" (only ${VARIABLES_TYPE}); ` +
                `NocobaseMail is a component. Fix: use a ${PACKAGE_NAME} package and plugin of the same version.`);
        }
    }
}
