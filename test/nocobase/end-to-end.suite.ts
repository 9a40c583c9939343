/**
 * End to end through NocoBase itself: a notification channel whose SMTP password is
 * `{{$env.<secret variable>}}` authenticates to an SMTP sink on loopback with whatever secret the
 * provider last wrote, so a rotation reaches the place that uses the secret.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { MailVariablesOutputs } from "../../src/nocobase/variables-provider";
import { api, runningNocobase } from "../nocobase-server/harness";
import { configuredProvider, freshKeyId, freshSecret, inputsFor } from "./support";
import { type SmtpSink, startSmtpSink } from "./smtp-sink";

describe("NocoBase resolves {{$env}} to the delivered secret", () => {
    let sink: SmtpSink;
    before(async () => {
        sink = await startSmtpSink();
    });
    after(async () => {
        await sink.close();
    });

    async function sendThroughChannel(channelName: string) {
        const { apiUrl, rootApiKey } = runningNocobase();
        const delivery = sink.nextDelivery(20_000);
        await api(apiUrl, "messages:send", rootApiKey, {
            channelName,
            triggerFrom: "integration test",
            message: { to: ["ops@example.com"], subject: "rotation check", contentType: "text", text: "hello" },
        });
        const login = await delivery;
        assert.ok(login !== undefined, "NocoBase delivered no message to the SMTP sink within 20 s");
        return login;
    }

    it("uses the rotated secret after the provider's update", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("e2e");
        const { id, outs } = await provider.create!(inputs);
        const channelName = `ch_${inputs.clientSecretVariable.toLowerCase()}`;
        await api(runningNocobase().apiUrl, "notificationChannels:create", runningNocobase().rootApiKey, {
            name: channelName,
            title: "Rotation check",
            notificationType: "email",
            options: {
                host: "127.0.0.1", port: sink.port, secure: false, account: "mailer",
                password: `{{$env.${inputs.clientSecretVariable}}}`, from: "nocobase@example.com",
            },
        });

        assert.equal((await sendThroughChannel(channelName)).password, inputs.clientSecret);

        const rotated = { ...inputs, clientSecret: freshSecret(), clientSecretKeyId: freshKeyId() };
        await provider.update!(id, outs as MailVariablesOutputs, rotated);

        const login = await sendThroughChannel(channelName);
        assert.equal(login.password, rotated.clientSecret, "the channel still authenticates with the old secret");
        assert.equal(login.user, "mailer");
    });
});
