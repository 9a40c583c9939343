import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    DAY_MS, planRotation, rfc3339, RotationPlan, RotationRecord, rotationWindow, slackDays, SlotName, slotInputs,
} from "../../src/registration/secret-rotation";
import { parseRotationRecord } from "../../src/registration/rotation-record";

const policy = { rotationDays: 60, lifetimeDays: 180, generation: 1 };

/** The record a successful run leaves, with made-up key IDs. */
function recordOf(plan: RotationPlan): RotationRecord {
    const slots: Partial<Record<SlotName, RotationRecord["slots"]["a"]>> = {};
    for (const [slot, spec] of Object.entries(plan.slots) as Array<[SlotName, NonNullable<RotationPlan["slots"]["a"]>]>) {
        slots[slot] = { ...spec, keyId: spec.kind === "inherited" ? spec.keyId : `key-${slot}-${JSON.stringify(spec)}` };
    }
    return { nocobaseSlot: plan.nocobaseSlot, slots };
}

describe("rotation windows", () => {
    it("cuts time into fixed windows counted from the Unix epoch", () => {
        const w = rotationWindow(new Date("2026-11-23T23:00:00Z"), policy);
        assert.equal(w.index, Math.floor(Date.parse("2026-11-23T23:00:00Z") / (60 * DAY_MS)));
        assert.equal(w.startsAt.getTime(), w.index * 60 * DAY_MS);
        assert.equal(w.nextRotationAt.getTime() - w.startsAt.getTime(), 60 * DAY_MS);
        assert.equal(w.expiresAt.getTime() - w.startsAt.getTime(), 180 * DAY_MS);
    });

    it("gives the slack as lifetime minus twice the rotation", () => {
        assert.equal(slackDays(policy), 60);
        assert.equal(slackDays({ rotationDays: 90, lifetimeDays: 180 }), 0);
    });

    it("formats instants as RFC 3339 without fractions", () => {
        assert.equal(rfc3339(new Date("2027-05-12T00:00:00.000Z")), "2027-05-12T00:00:00Z");
    });
});

describe("rotation plan", () => {
    const start = new Date("2026-11-03T00:00:00Z");

    it("makes slot a for a new stack and hands it to NocoBase", () => {
        const plan = planRotation(undefined, policy, start);
        assert.deepEqual(Object.keys(plan.slots), ["a"]);
        assert.equal(plan.nocobaseSlot, "a");
        assert.deepEqual(plan.rotation, { slot: "a", reason: "first secret", deleteBeforeReplace: false });
        assert.deepEqual(plan.slots.a, { kind: "window", windowStart: "2026-11-03T00:00:00Z", generation: 1, expiresAt: "2027-05-02T00:00:00Z" });
        assert.equal(rfc3339(plan.nextRotationAt), "2027-01-02T00:00:00Z");
    });

    it("declares byte-identical slot inputs for every run inside one window", () => {
        const first = recordOf(planRotation(undefined, policy, start));
        const early = planRotation(first, policy, new Date(start.getTime() + 1000));
        const late = planRotation(first, policy, new Date(start.getTime() + 60 * DAY_MS - 1000));
        assert.equal(early.rotation, undefined);
        assert.deepEqual(late, { ...early, window: late.window });
        assert.deepEqual(slotInputs("dev", "a", late.slots.a!), slotInputs("dev", "a", first.slots.a!));
    });

    it("replaces the slot NocoBase does not hold in a new window, keeping the held one as it was", () => {
        let record = recordOf(planRotation(undefined, policy, start));
        const second = planRotation(record, policy, new Date(start.getTime() + 61 * DAY_MS));
        assert.deepEqual(second.rotation, { slot: "b", reason: "new window", deleteBeforeReplace: true });
        assert.equal(second.nocobaseSlot, "b");
        assert.deepEqual(second.slots.a, record.slots.a, "the fallback keeps its recorded inputs");
        record = recordOf(second);
        const third = planRotation(record, policy, new Date(start.getTime() + 125 * DAY_MS));
        assert.deepEqual(third.rotation, { slot: "a", reason: "new window", deleteBeforeReplace: true });
        assert.equal(third.nocobaseSlot, "a");
        assert.deepEqual(third.slots.b, record.slots.b);
    });

    it("rotates now when the generation is raised, within the same window", () => {
        const record = recordOf(planRotation(undefined, policy, start));
        const plan = planRotation(record, { ...policy, generation: 2 }, new Date(start.getTime() + DAY_MS));
        assert.deepEqual(plan.rotation, { slot: "b", reason: "generation raised", deleteBeforeReplace: true });
        assert.deepEqual(slotInputs("dev", "b", plan.slots.b!).rotateWhenChanged, { rotationWindowStart: "2026-11-03T00:00:00Z", generation: "2" });
    });

    it("after a long pause replaces the slot NocoBase does not hold, whatever the window's parity", () => {
        const record = recordOf(planRotation(undefined, policy, start));
        // Two windows later the clock alone would pick slot a again; the record says NocoBase holds a.
        const plan = planRotation(record, policy, new Date(start.getTime() + 121 * DAY_MS));
        assert.equal(plan.rotation?.slot, "b");
        assert.deepEqual(plan.slots.a, record.slots.a);
    });

    it("leaves the single secret of the earlier layout as it is and moves NocoBase to slot b", () => {
        const record = parseRotationRecord({ clientSecretKeyId: "legacy-key", clientSecretExpiresAt: "2027-03-03T00:00:00Z" });
        assert.deepEqual(record, { nocobaseSlot: "a", slots: { a: { kind: "inherited", keyId: "legacy-key", expiresAt: "2027-03-03T00:00:00Z" } } });
        const plan = planRotation(record, policy, start);
        assert.deepEqual(plan.rotation, { slot: "b", reason: "upgrade from the single-secret layout", deleteBeforeReplace: true });
        assert.deepEqual(plan.slots.a, record?.slots.a);
    });
});

describe("rotation record", () => {
    it("reads nothing from a stack never deployed", () => {
        assert.equal(parseRotationRecord({}), undefined);
    });

    it("reads back the record the program exports", () => {
        const recorded = { nocobaseSlot: "b", slots: {
            a: { kind: "window", keyId: "k1", windowStart: "2026-11-03T00:00:00Z", generation: 1, expiresAt: "2027-05-02T00:00:00Z" },
            b: { kind: "window", keyId: "k2", windowStart: "2027-01-02T00:00:00Z", generation: 1, expiresAt: "2027-06-30T00:00:00Z" },
        } };
        assert.deepEqual(parseRotationRecord({ secretRotation: recorded, clientSecretKeyId: "k2" }), recorded);
    });

    const broken: Array<[string, unknown, RegExp]> = [
        ["a record that is not an object", "a", /not a rotation record/],
        ["an unknown slot name", { nocobaseSlot: "c", slots: {} }, /not a rotation record/],
        ["NocoBase's slot empty", { nocobaseSlot: "b", slots: { a: null, b: null } }, /names slot b as NocoBase's but it is empty/],
        ["a slot without expiry", { nocobaseSlot: "a", slots: { a: { kind: "window", keyId: "k", windowStart: "2026-11-03T00:00:00Z", generation: 1 } } }, /unreadable slot a/],
    ];
    for (const [what, value, pattern] of broken) {
        it(`refuses ${what}`, () => {
            assert.throws(() => parseRotationRecord({ secretRotation: value }), pattern);
        });
    }
});
