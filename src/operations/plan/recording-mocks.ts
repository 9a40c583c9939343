/**
 * Pulumi mocks that record every resource registration and invoke, and answer with deterministic values
 * shaped like Entra's. They power the offline plan and the program tests; they know only the resource
 * types and invokes the program uses and refuse anything else, so a new dependency cannot go unnoticed.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";
import { VARIABLES_TYPE } from "../../nocobase/variables";

export interface Registration {
    readonly type: string;
    readonly name: string;
    /** Inputs as the resource received them (secrets unwrapped by the mock monitor). */
    readonly inputs: Record<string, unknown>;
    /** ID to import, when the resource was declared with the `import` option. */
    readonly importId: string | undefined;
    /** Resource options as the engine receives them; undefined for reads (the stack reference). */
    readonly options: RegistrationOptions | undefined;
}

/** The options of a registration that decide how Pulumi replaces or renames a resource. */
export interface RegistrationOptions {
    readonly deleteBeforeReplace: boolean;
    readonly ignoreChanges: readonly string[];
    /** Names of the resource's aliases (each keeps the resource's type and parent). */
    readonly aliasNames: readonly string[];
    /** URNs the resource depends on, through inputs or `dependsOn`. */
    readonly dependencies: readonly string[];
}

export interface InvokeRecord {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
}

/** The identity the mocks pretend runs `pulumi up`. */
export const MOCK_DEPLOYER = {
    tenantId: "11111111-1111-4111-8111-111111111111",
    objectId: "22222222-2222-4222-8222-222222222222",
    clientId: "33333333-3333-4333-8333-333333333333",
} as const;

/** Type token of the program's reference to its own stack's last outputs. */
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** Object ID the mocks give Microsoft Graph's service principal. */
export const MOCK_GRAPH_SERVICE_PRINCIPAL_ID = "44444444-4444-4444-8444-444444444444";

/** A GUID derived from a seed, stable across runs. */
function deterministicGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    public readonly registrations: Registration[] = [];
    public readonly invokes: InvokeRecord[] = [];
    /** Options of registrations on their way to `newResource`, by type and name. */
    private readonly pendingOptions = new Map<string, RegistrationOptions>();

    /**
     * @param previousOutputs the stack outputs the last run left, which the program reads back through a
     *  stack reference to its own stack; default none (a stack never deployed)
     * @param tenantId the tenant the provider signs in to (the stack's `azuread:tenantId`); default the mock deployer's
     */
    constructor(private readonly previousOutputs: Readonly<Record<string, unknown>> = {},
        private readonly tenantId: string = MOCK_DEPLOYER.tenantId) {}

    /** Called by the program runner with the options of each registration, before `newResource`. */
    public noteOptions(type: string, name: string, options: RegistrationOptions): void {
        this.pendingOptions.set(`${type}::${name}`, options);
    }

    public newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = args.inputs as Record<string, unknown>;
        const key = `${args.type}::${args.name}`;
        const options = this.pendingOptions.get(key);
        this.pendingOptions.delete(key);
        this.registrations.push({ type: args.type, name: args.name, inputs, importId: args.id === "" ? undefined : args.id, options });
        return this.resolve(args, inputs, options);
    }

    /**
     * The mock's answer for a resource: Entra-shaped values derived from its type, name and inputs. A
     * subclass may answer from a simulated state instead, as the engine would.
     */
    protected resolve(args: pulumi.runtime.MockResourceArgs, inputs: Record<string, unknown>,
        _options: RegistrationOptions | undefined): pulumi.runtime.MockResourceResult {
        const seed = `${args.type}/${args.name}`;
        if (args.type === STACK_REFERENCE_TYPE) {
            return { id: String(inputs.name), state: { name: inputs.name, outputs: { ...this.previousOutputs }, secretOutputNames: [] } };
        }
        if (args.custom === false) {
            // Component resources have no provider state.
            return { id: undefined, state: {} };
        }
        if (args.type === VARIABLES_TYPE) {
            return { id: `variables-${args.name}`, state: inputs };
        }
        switch (args.type) {
            case "azuread:index/application:Application": {
                const objectId = args.id !== undefined && args.id !== "" ? args.id.replace(/^\/applications\//, "") : deterministicGuid(seed);
                return {
                    id: `/applications/${objectId}`,
                    state: { ...inputs, objectId, clientId: deterministicGuid(`${seed}/clientId`) },
                };
            }
            case "azuread:index/servicePrincipal:ServicePrincipal": {
                const objectId = deterministicGuid(seed);
                return { id: `/servicePrincipals/${objectId}`, state: { ...inputs, objectId } };
            }
            case "azuread:index/applicationPassword:ApplicationPassword": {
                const keyId = deterministicGuid(`${seed}/${JSON.stringify(inputs.rotateWhenChanged)}`);
                return {
                    id: `${String(inputs.applicationId)}/password/${keyId}`,
                    // A recognisable fake: tests look for it to prove it never leaks in plaintext.
                    state: { ...inputs, keyId, value: `mock-client-secret-${keyId}` },
                };
            }
            case "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant":
                return { id: deterministicGuid(seed), state: inputs };
            default:
                throw new Error(`offline mocks: no model for resource type ${args.type}; add one to recording-mocks.ts`);
        }
    }

    public call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const inputs = args.inputs as Record<string, unknown>;
        this.invokes.push({ token: args.token, inputs });
        switch (args.token) {
            case "azuread:index/getClientConfig:getClientConfig":
                return { ...MOCK_DEPLOYER, tenantId: this.tenantId };
            case "azuread:index/getServicePrincipal:getServicePrincipal":
                if (inputs.clientId !== MICROSOFT_GRAPH_APP_ID) {
                    throw new Error(`offline mocks: getServicePrincipal for unexpected client ${String(inputs.clientId)}`);
                }
                return { objectId: MOCK_GRAPH_SERVICE_PRINCIPAL_ID, clientId: MICROSOFT_GRAPH_APP_ID, id: MOCK_GRAPH_SERVICE_PRINCIPAL_ID };
            default:
                throw new Error(`offline mocks: no model for invoke ${args.token}; add one to recording-mocks.ts`);
        }
    }
}
