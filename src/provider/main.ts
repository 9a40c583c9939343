/**
 * Entry of the plugin executable `pulumi-resource-nocobase-entra-mail` (bin/): serves the package's
 * provider over gRPC with Pulumi's Node provider server. Usage (by the Pulumi engine): main.ts <engine address>.
 */
import * as pulumi from "@pulumi/pulumi";
import { NocobaseEntraMailProvider } from "./nocobase-entra-mail-provider";

interface ConfigureCall {
    readonly request: {
        getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
        getVariablesMap(): { get(key: string): string | undefined };
    };
}
type Handler = (call: ConfigureCall, callback: unknown) => void;

/**
 * Pulumi's Node provider server (@pulumi/pulumi 3.270, provider/server.js) answers Configure without passing
 * the configuration on: the provider object never sees it. Its gRPC server is made in `main`, so the
 * handler is wrapped where the server registers it: our provider reads the configuration, then the
 * server's own Configure answers the engine (accepting secrets, resources and outputs).
 */
function passConfigurationTo(provider: NocobaseEntraMailProvider): void {
    // The grpc-js instance @pulumi/pulumi's server uses.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [require.resolve("@pulumi/pulumi")] })) as
        { Server: { prototype: { addService: (this: unknown, service: unknown, implementation: Record<string, Handler>) => void } } };
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (this: unknown, service: unknown, implementation: Record<string, Handler>) {
        const configure = implementation.configure;
        if (typeof configure === "function") {
            implementation.configure = (call, callback) => {
                const args = call.request.getArgs()?.toJavaScript();
                const token = call.request.getVariablesMap().get("nocobase-entra-mail:config:nocobaseApiToken");
                provider.configure(args ?? (token === undefined ? {} : { nocobaseApiToken: token }));
                configure.call(implementation, call, callback);
            };
        }
        addService.call(this, service, implementation);
    };
}

const provider = new NocobaseEntraMailProvider();
passConfigurationTo(provider);
void pulumi.provider.main(provider, process.argv.slice(2));
