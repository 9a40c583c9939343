// A stack deployed with the single-secret layout (the state today's program left, captured in
// fixtures/single-secret-layout.json) upgrades in one `pulumi up`: its secret becomes slot "a" in place,
// NocoBase moves to a new slot "b", and the old secret is deleted only by a later rotation.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DAY_MS } from "../../src/registration/secret-rotation";
import { PASSWORD, pulumiUp, World } from "./simulated-engine";

interface Fixture {
    readonly outputs: Record<string, unknown>;
    readonly resources: ReadonlyArray<{ type: string; name: string; inputs: Record<string, unknown> }>;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "single-secret-layout.json"), "utf8")) as Fixture;
const LEGACY_KEY = String(fixture.outputs.clientSecretKeyId);
const DEPLOYED_AT = Date.parse("2026-11-23T12:00:00Z");
const CONFIG = { nocobaseUrl: "https://crm.example.com", nocobaseApiToken: "upgrade-test-token" };

/** The world as the single-secret layout left it: one secret in Entra, held by NocoBase, in state. */
function deployedWorld(): World {
    const world = new World();
    for (const r of fixture.resources) {
        const outputs = r.type === PASSWORD ? { ...r.inputs, keyId: LEGACY_KEY, id: `${String(r.inputs.applicationId)}/password/${LEGACY_KEY}` } : r.inputs;
        world.state.set(r.name, { type: r.type, inputs: r.inputs, outputs });
    }
    world.entra.set(LEGACY_KEY, { keyId: LEGACY_KEY, expiresAt: Date.parse(String(fixture.outputs.clientSecretExpiresAt)) });
    world.nocobaseKeyId = LEGACY_KEY;
    world.stackOutputs = { ...fixture.outputs };
    return world;
}

describe("upgrade from the single-secret layout", () => {
    it("keeps the existing secret as slot a, unchanged, and moves NocoBase to a new slot b in one run", async () => {
        const world = deployedWorld();
        const legacy = world.state.get("nocobase-mail-client-secret");
        world.now = DEPLOYED_AT + DAY_MS;
        const { run, failure } = await pulumiUp(world, "dev", CONFIG, ["nocobaseApiToken"]);
        assert.equal(failure, undefined);
        assert.deepEqual(world.violations, []);

        const slotA = run?.registrations.find((r) => r.name === "nocobase-mail-client-secret-a");
        assert.deepEqual(slotA?.options?.aliasNames, ["nocobase-mail-client-secret"], "slot a is the old secret under a new name");
        assert.deepEqual(slotA?.options?.ignoreChanges, ["displayName", "endDate", "rotateWhenChanged"]);
        assert.equal(slotA?.options?.deleteBeforeReplace, false, "slot a is kept, never deleted first");
        assert.equal(run?.registrations.find((r) => r.name === "nocobase-mail-client-secret-b")?.options?.deleteBeforeReplace, true);
        assert.equal(world.state.has("nocobase-mail-client-secret"), false);
        assert.deepEqual(world.state.get("nocobase-mail-client-secret-a"), legacy, "same resource, same inputs: no replacement");

        assert.ok(world.entra.has(LEGACY_KEY), "the old secret still exists, as the fallback");
        assert.equal(world.entra.size, 2);
        const slotB = world.state.get("nocobase-mail-client-secret-b");
        assert.equal(world.nocobaseKeyId, slotB?.outputs.keyId, "NocoBase holds the new slot b");
        assert.equal(run?.outputs.clientSecretKeyId, world.nocobaseKeyId);
        assert.deepEqual((run?.outputs.secretRotation as { slots: { a: unknown } }).slots.a,
            { kind: "inherited", keyId: LEGACY_KEY, expiresAt: fixture.outputs.clientSecretExpiresAt });
    });

    it("leaves NocoBase and the old secret alone when the upgrade's hand-over fails, and finishes later", async () => {
        const world = deployedWorld();
        world.now = DEPLOYED_AT + DAY_MS;
        const failed = await pulumiUp(world, "dev", CONFIG, ["nocobaseApiToken"], true);
        assert.ok(failed.failure !== undefined);
        assert.equal(world.nocobaseKeyId, LEGACY_KEY);
        assert.deepEqual(world.stackOutputs, fixture.outputs, "the outputs still describe the single-secret layout");

        // The next run comes after a new window has begun: slot b is remade, slot a is still left alone.
        world.now = DEPLOYED_AT + 70 * DAY_MS;
        const { failure } = await pulumiUp(world, "dev", CONFIG, ["nocobaseApiToken"]);
        assert.equal(failure, undefined);
        assert.deepEqual(world.violations, []);
        assert.ok(world.entra.has(LEGACY_KEY));
        assert.notEqual(world.nocobaseKeyId, LEGACY_KEY);
    });

    it("replaces the old secret at the next rotation, never while NocoBase holds it", async () => {
        const world = deployedWorld();
        for (let day = 1; day <= 400; day += 20) {
            world.now = DEPLOYED_AT + day * DAY_MS;
            const { failure } = await pulumiUp(world, "dev", CONFIG, ["nocobaseApiToken"]);
            assert.equal(failure, undefined);
            assert.ok(world.entra.size <= 2);
            assert.ok(world.nocobaseKeyId !== undefined && world.entra.has(world.nocobaseKeyId));
        }
        assert.deepEqual(world.violations, []);
        assert.equal(world.entra.has(LEGACY_KEY), false, "the old secret is gone once its slot's turn came");
        const slotA = world.state.get("nocobase-mail-client-secret-a");
        assert.deepEqual(Object.keys(slotA?.inputs.rotateWhenChanged as object).sort(), ["generation", "rotationWindowStart"]);
    });
});
