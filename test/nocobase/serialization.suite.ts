/**
 * The resource as the Pulumi program builds it: under mocks, Pulumi serializes the provider into the
 * `__provider` input. The serialized text must carry no credential, and, loaded the way Pulumi's
 * dynamic provider host loads it, must work against the real NocoBase.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { NocobaseMailVariables } from "../../src/nocobase/variables";
import type { MailVariablesProvider } from "../../src/nocobase/variables-provider";
import { runningNocobase } from "../nocobase-server/harness";
import { assertNoCredentials, freshNames, seededApplication, storedVariable } from "./support";

/** The loader Pulumi's dynamic provider host uses for `__provider`. */
const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string") as
    (code: string) => { handler(): MailVariablesProvider };

describe("NocobaseMailVariables under Pulumi mocks", () => {
    it("serializes a provider that holds no credential and works once deserialized", async () => {
        const apiToken = runningNocobase().rootApiKey;
        const application = seededApplication("serialized");
        const clientSecret = application.clientSecret;
        // Present in the environment while the program runs: it must not be captured.
        process.env.NOCOBASE_API_TOKEN = apiToken;
        const registered: pulumi.runtime.MockResourceArgs[] = [];
        await pulumi.runtime.setMocks({
            newResource: (args) => {
                registered.push(args);
                return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
            },
            call: (args) => {
                throw new Error(`unexpected call ${args.token}`);
            },
        }, "nocobase-entra-mail", "test");
        const names = freshNames("serialized");
        const clientId = application.clientId;
        const resource = new NocobaseMailVariables("mail-variables", {
            apiUrl: runningNocobase().apiUrl, ...names, clientId,
            clientSecret: pulumi.secret(clientSecret), clientSecretKeyId: application.clientSecretKeyId,
            tenantId: application.tenantId, signInAudience: application.signInAudience,
        });
        await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
        delete process.env.NOCOBASE_API_TOKEN;

        assert.equal(registered.length, 1);
        const [args] = registered;
        assert.equal(args.type, "pulumi-nodejs:dynamic/nocobase-entra-mail:NocobaseMailVariables");
        const serialized = (args.inputs as Record<string, unknown>).__provider;
        assert.equal(typeof serialized, "string");
        assert.ok((serialized as string).length > 0);
        assertNoCredentials(serialized as string, [apiToken, clientSecret]);

        const provider = requireFromString(serialized as string).handler();
        await provider.configure?.({
            config: { get: (key) => key === "nocobase-entra-mail:nocobaseApiToken" ? apiToken : undefined, require: () => "" },
        });
        // The engine hands a dynamic provider plain values; the mock monitor keeps secrets in their envelope.
        const inputs: Record<string, unknown> = Object.fromEntries(Object.entries(args.inputs as Record<string, unknown>)
            .filter(([key]) => key !== "__provider")
            .map(([key, value]) => [key, typeof value === "object" && value !== null && "value" in value ? value.value : value]));
        // ok(), not equal(): a failing equal() would print the secret.
        assert.ok(inputs.clientSecret === clientSecret, "the secret as the engine hands it over");
        const created = await provider.create(inputs as never);
        assert.equal((await storedVariable(names.clientIdVariable))?.value, clientId);
        assert.equal((await storedVariable(names.clientSecretVariable))?.type, "secret");
        assert.equal(created.outs?.clientId, clientId);
    });
});
