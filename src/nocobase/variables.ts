/**
 * The NocoBase hand-over: the client ID and client secret written as NocoBase "Variables and secrets"
 * entries, which the Email settings reference once as `{{$env.NAME}}`. Depending on the current secret,
 * it is updated in the same `pulumi up` that rotates the secret, before the old secret is deleted, and only
 * once Microsoft's token endpoint accepts the new secret. A custom resource of the package's own provider
 * plugin (src/provider/); Microsoft's endpoints come from the plugin's environment (AZURE_AUTHORITY_HOST),
 * the NocoBase API key from the provider's configuration or NOCOBASE_API_TOKEN, never from inputs.
 */
import * as pulumi from "@pulumi/pulumi";

export interface NocobaseMailVariablesArgs {
    /** Base URL of NocoBase's HTTP API, ending in /api. */
    readonly apiUrl: pulumi.Input<string>;
    /** Sub-application of NocoBase's multi-app manager that holds the variables. Default the main application. */
    readonly appName?: pulumi.Input<string | undefined>;
    /** Variable that receives the client ID (plain). Default MICROSOFT_EMAIL_CLIENT_ID. */
    readonly clientIdVariable: pulumi.Input<string>;
    /** Variable that receives the client secret (type secret). Default MICROSOFT_EMAIL_CLIENT_SECRET. */
    readonly clientSecretVariable: pulumi.Input<string>;
    /** The application's client ID. */
    readonly clientId: pulumi.Input<string>;
    /** The client secret value (a secret Output). */
    readonly clientSecret: pulumi.Input<string>;
    /** Key ID of the client secret; a change means a rotation. */
    readonly clientSecretKeyId: pulumi.Input<string>;
    /** The application's home tenant, where the secret is proven at Microsoft's token endpoint before hand-over. */
    readonly tenantId: pulumi.Input<string>;
    /** The application's sign-in audience; `PersonalMicrosoftAccount` cannot be proven and waits a settle time instead. */
    readonly signInAudience: pulumi.Input<string>;
}

export const VARIABLES_TYPE = "nocobase-entra-mail:nocobase:Variables";
/** The type of the dynamic resource releases up to 0.1.0 declared; stacks deployed by them hold it. */
export const LEGACY_VARIABLES_TYPE = "pulumi-nodejs:dynamic/nocobase-entra-mail:NocobaseMailVariables";

export class NocobaseMailVariables extends pulumi.CustomResource {
    declare readonly apiUrl: pulumi.Output<string>;
    declare readonly appName: pulumi.Output<string | undefined>;
    declare readonly clientIdVariable: pulumi.Output<string>;
    declare readonly clientSecretVariable: pulumi.Output<string>;
    declare readonly clientId: pulumi.Output<string>;
    declare readonly clientSecretKeyId: pulumi.Output<string>;

    constructor(name: string, args: NocobaseMailVariablesArgs, opts: pulumi.CustomResourceOptions = {}) {
        // The old dynamic resource under this name (and under every alias the caller gives) is this one:
        // its state is adopted, not deleted and recreated.
        const aliases = opts.aliases ?? [];
        const legacy: pulumi.Alias[] = [{ type: LEGACY_VARIABLES_TYPE }, ...aliases
            .filter((alias): alias is pulumi.Alias => typeof alias === "object" && !pulumi.Output.isInstance(alias))
            .map((alias) => ({ ...alias, type: LEGACY_VARIABLES_TYPE }))];
        super(VARIABLES_TYPE, name, {
            apiUrl: args.apiUrl,
            appName: args.appName,
            clientIdVariable: args.clientIdVariable,
            clientSecretVariable: args.clientSecretVariable,
            clientId: args.clientId,
            // Kept secret in the state's inputs even if a caller passed a plain string.
            clientSecret: pulumi.secret(args.clientSecret),
            clientSecretKeyId: args.clientSecretKeyId,
            tenantId: args.tenantId,
            signInAudience: args.signInAudience,
        }, { ...opts, aliases: [...aliases, ...legacy] });
    }
}
