/**
 * The rotation record and the NocoBase hand-over as NocobaseMail wires them, without the registration (the
 * azuread provider cannot be built here): the record is read back through the product's own
 * StackReference to the running stack (readLastRun), the secret comes from stack config instead of an
 * azuread.ApplicationPassword, and the exported record waits for the hand-over exactly as in
 * src/nocobase-mail/nocobase-mail.ts.
 *
 * Config (namespace "engine"): slot, keyId, windowStart, expiresAt; with handover=true also apiUrl,
 * clientId, clientSecret (secret), tenantId, clientIdVariable, clientSecretVariable.
 */
import * as pulumi from "@pulumi/pulumi";
import { readLastRun } from "../../../src/nocobase-mail/last-run";
import { NocobaseMailVariables } from "../../../src/nocobase/variables";

class HandoverProbe extends pulumi.ComponentResource {
    constructor(name: string) {
        super("engine-test:index:HandoverProbe", name, {}, {});
    }

    /** Marks the probe complete; registerOutputs is protected. */
    complete(): void {
        this.registerOutputs({});
    }
}

export default async function program(): Promise<Record<string, unknown>> {
    const config = new pulumi.Config("engine");
    const probe = new HandoverProbe("probe");
    const lastRun = await readLastRun("probe-last-outputs", probe);
    const slot = config.require("slot");
    const keyId = config.require("keyId");
    const record = {
        nocobaseSlot: slot,
        slots: {
            a: null, b: null,
            [slot]: { kind: "window", keyId, windowStart: config.require("windowStart"), generation: 1, expiresAt: config.require("expiresAt") },
        },
    };
    let secretRotation: pulumi.Input<unknown> = record;
    if (config.getBoolean("handover") === true) {
        const variables = new NocobaseMailVariables("probe-nocobase-variables", {
            apiUrl: config.require("apiUrl"),
            clientIdVariable: config.require("clientIdVariable"),
            clientSecretVariable: config.require("clientSecretVariable"),
            clientId: config.require("clientId"),
            clientSecret: config.requireSecret("clientSecret"),
            clientSecretKeyId: keyId,
            tenantId: config.require("tenantId"),
            signInAudience: "AzureADandPersonalMicrosoftAccount",
        }, { parent: probe });
        secretRotation = pulumi.all([record, variables.clientSecretKeyId]).apply(([r]) => r);
    }
    probe.complete();
    return {
        secretRotation,
        lastRunNocobaseKeyId: lastRun.rotation?.slots[lastRun.rotation.nocobaseSlot]?.keyId ?? "none",
        lastRunOutputNames: [...lastRun.outputNames].sort(),
    };
}
