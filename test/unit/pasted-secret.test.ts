// Pasted Email Settings: the mode a run follows, the rotation that never makes the confirmed slot anew,
// and the deadline to paste by.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { confirmationProblem, emailSettingsChoice, pasteStatus } from "../../src/registration/pasted-secret";
import { planRotation, RotationRecord } from "../../src/registration/secret-rotation";

const policy = { rotationDays: 30, lifetimeDays: 90, generation: 1 };
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";

/** Slot a from the window of 2026-11-03, slot b from 2026-12-03; NocoBase's slot (the newest) is b. */
const record: RotationRecord = {
    nocobaseSlot: "b",
    slots: {
        a: { kind: "window", windowStart: "2026-11-03T00:00:00Z", generation: 1, expiresAt: "2027-02-01T00:00:00Z", keyId: A },
        b: { kind: "window", windowStart: "2026-12-03T00:00:00Z", generation: 1, expiresAt: "2027-03-03T00:00:00Z", keyId: B },
    },
};
/** The first day of the window after b's, when a rotation is due. */
const due = new Date("2027-01-02T12:00:00Z");

describe("the mode a run follows", () => {
    it("takes the configured mode; unset, pasted for a new or confirming stack and variables for an existing one", () => {
        assert.deepEqual(emailSettingsChoice("variables", undefined, undefined), { mode: "variables", chosen: true });
        assert.deepEqual(emailSettingsChoice("pasted", undefined, record), { mode: "pasted", chosen: true });
        assert.deepEqual(emailSettingsChoice(undefined, undefined, undefined), { mode: "pasted", chosen: false });
        assert.deepEqual(emailSettingsChoice(undefined, A, record), { mode: "pasted", chosen: true });
        assert.deepEqual(emailSettingsChoice(undefined, undefined, record), { mode: "variables", chosen: false });
    });

    it("accepts a confirmation of either slot, in any case, and refuses other key IDs and a stack without secrets", () => {
        assert.equal(confirmationProblem(A.toUpperCase(), record), undefined);
        assert.equal(confirmationProblem(B, record), undefined);
        assert.match(confirmationProblem("cccccccc-0000-4000-8000-000000000003", record) ?? "", new RegExp(`not a client secret of this stack \\(its secrets: ${A}, ${B}\\)`));
        assert.match(confirmationProblem(A, undefined) ?? "", /has made none yet/);
    });
});

describe("rotation with a confirmed pasted secret", () => {
    it("rotates as before when the newest secret is the confirmed one: the other slot is made anew", () => {
        const plan = planRotation(record, policy, due, { confirmedKeyId: B, variablesHandOver: false });
        assert.equal(plan.rotation?.slot, "a");
        assert.equal(plan.nocobaseSlot, "a");
        assert.deepEqual(plan.slots.b, record.slots.b);
    });

    it("makes the unconfirmed newest slot anew and keeps the confirmed one exactly", () => {
        const plan = planRotation(record, policy, due, { confirmedKeyId: A, variablesHandOver: false });
        assert.deepEqual(plan.rotation, { slot: "b", reason: "new window", deleteBeforeReplace: true });
        assert.equal(plan.nocobaseSlot, "b");
        assert.deepEqual(plan.slots.a, record.slots.a);
        assert.deepEqual(plan.slots.b, { kind: "window", windowStart: "2027-01-02T00:00:00Z", generation: 1, expiresAt: "2027-04-02T00:00:00Z" });
        assert.equal(plan.waitingForPaste, undefined);
    });

    it("waits when the variables hold the newest slot and the Email Manager the other: nothing is made", () => {
        const plan = planRotation(record, policy, due, { confirmedKeyId: A, variablesHandOver: true });
        assert.equal(plan.rotation, undefined);
        assert.equal(plan.waitingForPaste, "new window");
        assert.deepEqual(plan.slots, record.slots);
        assert.equal(plan.nocobaseSlot, "b");
    });

    it("without a confirmation, rotates exactly as the variables mode does", () => {
        for (const variablesHandOver of [false, true]) {
            assert.deepEqual(planRotation(record, policy, due, { confirmedKeyId: undefined, variablesHandOver }), planRotation(record, policy, due));
        }
    });

    it("refuses a confirmation the record does not hold, rather than guess", () => {
        assert.throws(() => planRotation(record, policy, due, { confirmedKeyId: "cccccccc-0000-4000-8000-000000000003", variablesHandOver: false }),
            /in neither slot of the rotation record/);
    });
});

describe("the paste's deadline", () => {
    const slots = { a: { keyId: A, expiresAt: "2027-02-01T00:00:00Z", windowStart: "2026-11-03T00:00:00Z" }, b: { keyId: B, expiresAt: "2027-03-03T00:00:00Z", windowStart: "2026-12-03T00:00:00Z" } };

    it("is the earlier of the held secret's expiry and the next rotation, which makes the awaiting slot anew", () => {
        assert.deepEqual(pasteStatus({ keyId: A, slot: "a" }, "b", slots, "2027-01-02T00:00:00Z", false), {
            confirmedKeyId: A, confirmedSlot: "a", confirmedExpiresAt: "2027-02-01T00:00:00Z",
            awaitingSlot: "b", awaitingKeyId: B, awaitingSince: "2026-12-03T00:00:00Z", pasteBy: "2027-01-02T00:00:00Z",
            rotationWaitsForPaste: null,
        });
        assert.equal(pasteStatus({ keyId: A, slot: "a" }, "b", slots, "2027-03-01T00:00:00Z", false).pasteBy, "2027-02-01T00:00:00Z");
    });

    it("is the held secret's expiry alone while the rotation waits, and the next rotation while nothing is confirmed", () => {
        const waiting = pasteStatus({ keyId: A, slot: "a" }, "b", slots, "2027-01-02T00:00:00Z", true);
        assert.deepEqual([waiting.pasteBy, waiting.rotationWaitsForPaste], ["2027-02-01T00:00:00Z", true]);
        assert.equal(pasteStatus(undefined, "b", slots, "2027-01-02T00:00:00Z", false).pasteBy, "2027-01-02T00:00:00Z");
    });

    it("is none when Email Settings hold the newest secret", () => {
        const status = pasteStatus({ keyId: B, slot: "b" }, "b", slots, "2027-01-02T00:00:00Z", false);
        assert.deepEqual([status.confirmedKeyId, status.awaitingKeyId, status.pasteBy], [B, null, null]);
    });
});
