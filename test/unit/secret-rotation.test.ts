import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DAY_MS, rfc3339, rotationTriggers, rotationWindow, secretDisplayName } from "../../src/secret-rotation";

const policy = { rotationDays: 90, lifetimeDays: 180, generation: 1 };

function inputsAt(instant: Date, p = policy) {
    const w = rotationWindow(instant, p);
    return JSON.stringify({ end: rfc3339(w.expiresAt), triggers: rotationTriggers(w, p), name: secretDisplayName("dev", w, p) });
}

describe("rotation windows", () => {
    it("cuts time into fixed windows counted from the Unix epoch", () => {
        const w = rotationWindow(new Date("2026-11-23T23:00:00Z"), policy);
        assert.equal(w.index, Math.floor(Date.parse("2026-11-23T23:00:00Z") / (90 * DAY_MS)));
        assert.equal(w.startsAt.getTime(), w.index * 90 * DAY_MS);
        assert.equal(w.nextRotationAt.getTime() - w.startsAt.getTime(), 90 * DAY_MS);
        assert.equal(w.expiresAt.getTime() - w.startsAt.getTime(), 180 * DAY_MS);
    });

    it("gives byte-identical secret inputs at any two instants of one window", () => {
        const w = rotationWindow(new Date("2026-11-23T00:00:00Z"), policy);
        const first = inputsAt(w.startsAt);
        const last = inputsAt(new Date(w.nextRotationAt.getTime() - 1));
        assert.equal(first, last);
        assert.equal(inputsAt(new Date(w.startsAt.getTime() + 37 * DAY_MS + 12345)), first);
    });

    it("changes the secret inputs at the window boundary and when the generation is raised", () => {
        const w = rotationWindow(new Date("2026-11-23T00:00:00Z"), policy);
        assert.notEqual(inputsAt(w.nextRotationAt), inputsAt(new Date(w.nextRotationAt.getTime() - 1)));
        assert.notEqual(inputsAt(w.startsAt, { ...policy, generation: 2 }), inputsAt(w.startsAt));
    });

    it("keeps the current secret valid for at least lifetime minus rotation days at every instant", () => {
        const start = Date.parse("2026-01-01T00:00:00Z");
        for (let t = start; t < start + 800 * DAY_MS; t += 0.37 * DAY_MS) {
            const w = rotationWindow(new Date(t), policy);
            const remaining = w.expiresAt.getTime() - t;
            assert.ok(remaining > (policy.lifetimeDays - policy.rotationDays) * DAY_MS,
                `at ${new Date(t).toISOString()} only ${remaining / DAY_MS} days remain`);
            assert.ok(w.startsAt.getTime() <= t && t < w.nextRotationAt.getTime());
        }
    });

    it("formats instants as RFC 3339 without fractions", () => {
        assert.equal(rfc3339(new Date("2027-05-12T00:00:00.000Z")), "2027-05-12T00:00:00Z");
    });
});
