/**
 * The program of the fleet's test project (test/engine/fleet-support.ts writes the project around it):
 * the product's NocoBase hand-over resource against the real NocoBase, and outputs shaped like the
 * product's (src/operations/stack-outputs.ts), without the registration (the azuread provider cannot be
 * built here). The registration's outputs come from stack config, as the emulator seeded them.
 *
 * Config (namespace "fleet"): outputs, a JSON object of the non-secret outputs; clientSecret (secret).
 * The NocoBase API key is the product's own setting, nocobase-entra-mail:nocobaseApiToken (secret).
 */
import * as pulumi from "@pulumi/pulumi";
import { NocobaseMailVariables } from "../../../src/nocobase/variables";
import type { StackOutputs } from "../../../src/operations/stack-outputs";

export default function program(): Record<string, unknown> {
    const config = new pulumi.Config("fleet");
    const outputs = JSON.parse(config.require("outputs")) as Omit<StackOutputs, "clientSecret">;
    const clientSecret = config.requireSecret("clientSecret");
    const variables = new NocobaseMailVariables("nocobase-variables", {
        apiUrl: outputs.nocobaseApiUrl,
        clientIdVariable: outputs.nocobaseClientIdVariable,
        clientSecretVariable: outputs.nocobaseClientSecretVariable,
        clientId: outputs.clientId,
        clientSecret,
        clientSecretKeyId: outputs.clientSecretKeyId,
        tenantId: outputs.tenantId,
        signInAudience: outputs.signInAudience,
    });
    // As in the product, the key ID is exported once NocoBase holds it.
    return { ...outputs, clientSecret, clientSecretKeyId: variables.clientSecretKeyId };
}
