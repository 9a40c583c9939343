/**
 * The rotation record and the NocoBase hand-over on the real engine: the product's StackReference to the
 * running stack, its NocobaseMailVariables resource (served by the package's provider plugin, which the
 * CLI starts from bin/), the proof at the emulator's token endpoint, the real NocoBase. Each test
 * asserts both sides: what NocoBase holds (its key-ID record) and what the stack recorded.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { keyIdRecordName } from "../../src/nocobase/handover";
import { startFaultProxy } from "../nocobase/fault-proxy";
import { assertNoCredentials, newSecretOf, runningEmulator, storedVariable, tokenRequestsFor } from "../nocobase/support";
import type { EngineStack } from "./engine-stack";
import { handoverConfig, handoverTarget, HANDOVER_PROGRAM, newStack, type HandoverSecret, type HandoverTarget } from "./engine-support";

async function nocobaseKeyId(target: HandoverTarget): Promise<string | undefined> {
    const record = await storedVariable(keyIdRecordName(target.clientSecretVariable));
    return record?.value ?? undefined;
}

function recordedKeyId(outputs: Record<string, unknown>): string {
    const record = outputs.secretRotation as { nocobaseSlot: "a" | "b"; slots: Record<string, { keyId: string } | null> };
    return record.slots[record.nocobaseSlot]?.keyId ?? "";
}

describe("the hand-over and the rotation record on the real engine", () => {
    const stacks: EngineStack[] = [];
    // The stack reaches NocoBase through this proxy, so that a test can take NocoBase "down" (502 pages)
    // without changing the stack's inputs.
    let nocobaseDown = false;
    let proxy: Awaited<ReturnType<typeof startFaultProxy>> | undefined;
    after(async () => {
        stacks.forEach((s) => s.remove());
        await proxy?.close();
    });

    let stack: EngineStack;
    let target: HandoverTarget;
    let first: HandoverSecret;
    let second: HandoverSecret;
    const planted: string[] = [];

    it("first pulumi up hands the secret over; a preview with --expect-no-changes then passes", async () => {
        stack = await newStack("handover", HANDOVER_PROGRAM);
        stacks.push(stack);
        const seeded = handoverTarget("enginefirst");
        proxy = await startFaultProxy(seeded.target.apiUrl,
            () => nocobaseDown ? { status: 502, type: "text/html", body: "<html>Bad gateway</html>" } : undefined);
        target = { ...seeded.target, apiUrl: proxy.apiUrl };
        first = seeded.secret;
        planted.push(first.clientSecret);
        const up = await stack.run("up", handoverConfig(target, first, "a"));
        assert.equal(up.ok, true, up.error);
        assert.deepEqual(up.changes, { create: 3 }, "stack, component, NocoBase variables");
        assert.equal(await nocobaseKeyId(target), first.clientSecretKeyId);
        const outputs = await stack.outputs();
        assert.equal(recordedKeyId(outputs), first.clientSecretKeyId);
        assert.equal(outputs.lastRunNocobaseKeyId, "none", "a stack never deployed has no outputs to read");
        assert.equal(outputs.clientSecret, "[secret]");

        const preview = await stack.run("preview", handoverConfig(target, first, "a"), { expectNoChanges: true });
        assert.equal(preview.ok, true, preview.error);
        assert.equal(preview.changes.update ?? 0, 0);
        assert.equal(preview.changes.replace ?? 0, 0);
        assertNoCredentials(up.output + preview.output, planted);
    });

    it("a rotation moves NocoBase only after Microsoft accepts the new secret; the next run reads the record back", async () => {
        second = newSecretOf(target.clientId);
        planted.push(second.clientSecret);
        // Microsoft refuses the new secret from the hand-over's first proof until 3 s later, however long
        // the CLI takes to get there.
        const identity = runningEmulator().identity;
        identity.secretPropagationMs = 600_000;
        const tokensBefore = tokenRequestsFor(target.clientId);
        let releasing = false;
        let heldWhileRefused: Promise<string | undefined> | undefined;
        const watcher = setInterval(() => {
            if (!releasing && tokenRequestsFor(target.clientId) > tokensBefore) {
                releasing = true;
                heldWhileRefused = nocobaseKeyId(target);
                setTimeout(() => { identity.secretPropagationMs = 0; }, 3_000);
            }
        }, 50);
        try {
            const up = await stack.run("up", handoverConfig(target, second, "b"));
            assert.equal(up.ok, true, up.error);
            assert.equal(up.changes.update, 1, "the NocoBase variables are updated in place");
            assertNoCredentials(up.output, planted);
        } finally {
            clearInterval(watcher);
            identity.secretPropagationMs = 0;
        }
        const proofs = tokenRequestsFor(target.clientId) - tokensBefore;
        console.log(`engine: rotation proof, token requests=${proofs}`);
        assert.ok(proofs >= 2, `the new secret was refused while it replicated, then proven (token requests: ${proofs})`);
        assert.equal(await heldWhileRefused, first.clientSecretKeyId, "NocoBase kept its working secret while Microsoft refused the new one");
        assert.equal(await nocobaseKeyId(target), second.clientSecretKeyId);

        const again = await stack.run("up", handoverConfig(target, second, "b"));
        assert.equal(again.ok, true, again.error);
        assert.equal(again.changes.update ?? 0, 0);
        const outputs = await stack.outputs();
        assert.equal(outputs.lastRunNocobaseKeyId, second.clientSecretKeyId, "read through the StackReference to the running stack");
        assert.equal(recordedKeyId(outputs), second.clientSecretKeyId);
    });

    it("fails the update when NocoBase is down and keeps the last record; the next run converges", async () => {
        const third = newSecretOf(target.clientId);
        planted.push(third.clientSecret);
        nocobaseDown = true;
        try {
            const failed = await stack.run("up", handoverConfig(target, third, "a"));
            assert.equal(failed.ok, false, "the update must fail");
            // The message must reach the CLI whole (the dynamic provider's serialized code once printed "error: undefined").
            assert.doesNotMatch(failed.output, /error: undefined/);
            assert.match(failed.output, /error: NocoBase was unavailable for listing variables at http:\/\/127\.0\.0\.1:\d+\/api \(502\)\. Fix: /);
            assertNoCredentials(failed.output + (failed.error ?? ""), planted);
        } finally {
            nocobaseDown = false;
        }
        const outputs = await stack.outputs();
        assert.equal(recordedKeyId(outputs), second.clientSecretKeyId, "the record still names the secret NocoBase holds");
        assert.equal(await nocobaseKeyId(target), second.clientSecretKeyId);

        const converged = await stack.run("up", handoverConfig(target, third, "a"));
        assert.equal(converged.ok, true, converged.error);
        assert.equal(await nocobaseKeyId(target), third.clientSecretKeyId);
        assert.equal(recordedKeyId(await stack.outputs()), third.clientSecretKeyId);
        second = third;
    });
});
