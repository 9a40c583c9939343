/**
 * End to end through NocoBase itself: a notification channel whose SMTP password is
 * `{{$env.<secret variable>}}` authenticates to an SMTP sink on loopback with whatever secret the
 * provider last wrote, so a rotation reaches the place that uses the secret.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, runningNocobase } from "../nocobase-server/harness";
import { configuredProvider, freshSecret, inputsFor, rotated, rootClient } from "./support";
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

    async function createChannel(secretVariable: string): Promise<string> {
        const channelName = `ch_${secretVariable.toLowerCase()}`;
        await api(runningNocobase().apiUrl, "notificationChannels:create", runningNocobase().rootApiKey, {
            name: channelName,
            title: "Rotation check",
            notificationType: "email",
            options: {
                host: "127.0.0.1", port: sink.port, secure: false, account: "mailer",
                password: `{{$env.${secretVariable}}}`, from: "nocobase@example.com",
            },
        });
        return channelName;
    }

    it("keeps the old secret in a notification channel until NocoBase restarts (why the provider restarts it)", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("cached");
        await provider.create(inputs);
        const channelName = await createChannel(inputs.clientSecretVariable);
        const client = rootClient();
        const newSecret = freshSecret();

        await client.updateVariable(inputs.clientSecretVariable, "secret", newSecret);
        assert.ok((await sendThroughChannel(channelName)).password === inputs.clientSecret, "expected the channel to keep the old secret");

        await client.refreshApp();
        assert.ok((await sendThroughChannel(channelName)).password === newSecret, "expected the new secret after the restart");
    });

    it("uses the rotated secret after the provider's update", async () => {
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const inputs = inputsFor("e2e");
        const { id, outs } = await provider.create(inputs);
        const channelName = await createChannel(inputs.clientSecretVariable);

        // Compared with ok(): a failing equal() would print both secrets.
        assert.ok((await sendThroughChannel(channelName)).password === inputs.clientSecret, "the channel did not authenticate with the delivered secret");

        const rotatedInputs = rotated(inputs);
        await provider.update(id, outs, rotatedInputs);

        const login = await sendThroughChannel(channelName);
        assert.ok(login.password === rotatedInputs.clientSecret, "the channel does not authenticate with the rotated secret");
        assert.equal(login.user, "mailer");
    });
});
