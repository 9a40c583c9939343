// Three years and more of daily instants, `pulumi up` at irregular intervals, "rotate now" bumps, failed
// hand-overs and the push-later path, with the real program evaluated at each run and Pulumi's replacement
// rules applied by the simulated engine. The invariants are checked at every instant.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DAY_MS, slackDays } from "../../src/registration/secret-rotation";
import { PASSWORD, pulumiUp, Sabotage, World } from "./simulated-engine";

const START = Date.parse("2026-11-25T09:00:00Z");
const TOKEN = "simulated-nocobase-api-token";

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
    };
}

interface Scenario {
    readonly rotationDays: number;
    readonly lifetimeDays: number;
    readonly days: number;
    readonly seed: number;
    /** Longest gap between runs, in days. */
    readonly maxGapDays: number;
    /** Days (from the start) of runs that raise the generation first. */
    readonly bumps?: readonly number[];
    /** Share of hand-overs that fail. */
    readonly handoverFailureRate?: number;
    /** Without an API token: NocoBase gets each new secret by a push this many days later (before nextRotationAt). */
    readonly pushLaterDays?: number;
    readonly sabotage?: Sabotage;
    /** Days (from the start) on which a run must happen, e.g. the first day of a window. */
    readonly runDays?: readonly number[];
    /** End at the first violation (for the broken policies, which only need to be caught once). */
    readonly stopAtViolation?: boolean;
    /**
     * Email Settings pasted by an administrator: each secret offered is pasted and confirmed after a random
     * delay up to `maxDelayDays` (before the stated deadline when `inTime`), or, with `neverShare` of the
     * offers, never. Without it, Email Settings read the variables.
     */
    readonly administrator?: { readonly maxDelayDays: number; readonly inTime: boolean; readonly neverShare?: number };
    /** No API key and no push: nothing reads NocoBase's variables, only the pasted Email Settings. */
    readonly withoutVariables?: boolean;
}

interface Outcome {
    readonly violations: readonly string[];
    readonly runs: number;
    readonly rotations: number;
    readonly quietRuns: number;
    readonly failedRuns: number;
    /** Confirmed pastes by the administrator. */
    readonly pastes: number;
}

/** The first day (counted from START) at or after `day` that falls on the first day of a window. */
function windowStartDay(rotationDays: number, day: number): number {
    const period = rotationDays * DAY_MS;
    let d = day;
    while (Math.floor((START + d * DAY_MS) / period) === Math.floor((START + (d - 1) * DAY_MS) / period)) {
        d++;
    }
    return d;
}

async function simulate(s: Scenario): Promise<Outcome> {
    const world = new World(s.sabotage);
    const next = random(s.seed);
    const pushLater = s.pushLaterDays !== undefined;
    const config: Record<string, string> = {
        nocobaseUrl: "https://crm.example.com",
        secretRotationDays: String(s.rotationDays),
        secretLifetimeDays: String(s.lifetimeDays),
    };
    if (!pushLater && s.withoutVariables !== true) {
        config.nocobaseApiToken = TOKEN;
    }
    config.emailSettings = s.administrator === undefined ? "variables" : "pasted";
    /** The administrator's next paste: the key ID offered and the day it is pasted and confirmed. */
    let paste: { day: number; keyId: string } | undefined;
    let pastes = 0;
    const withinSlack = s.maxGapDays <= slackDays(s) && s.handoverFailureRate === undefined;
    let generation = 1;
    let nextRunDay = 0;
    let push: { day: number; keyId: string } | undefined;
    /** The secret NocoBase left at the last switch; it must stay until a later run makes a new secret. */
    let fallback: string | undefined;
    let previous: { window: number; generation: number; inputs: string; keys: string } | undefined;
    let runs = 0;
    let rotations = 0;
    let quietRuns = 0;
    let failedRuns = 0;
    const check = (ok: boolean, what: string) => {
        if (!ok) {
            world.violation(what);
        }
    };
    /** NocoBase left `held`: within the slack it must stay valid a whole rotation period from now. */
    const switched = (held: string): string => {
        const left = world.entra.get(held);
        if (withinSlack) {
            check(left !== undefined && left.expiresAt >= world.now + s.rotationDays * DAY_MS,
                `NocoBase left ${held}, which expires less than a rotation period after the switch`);
        }
        return held;
    };

    for (let day = 0; day <= s.days && !(s.stopAtViolation === true && world.violations.length > 0); day++) {
        world.now = START + day * DAY_MS;
        if (day === nextRunDay || s.runDays?.includes(day) === true) {
            if (s.bumps?.includes(day) === true) {
                generation++;
            }
            const held = world.nocobaseKeyId;
            const keysBefore = new Set(world.entra.keys());
            const result = await pulumiUp(world, "sim", { ...config, secretGeneration: String(generation) },
                config.nocobaseApiToken === undefined ? [] : ["nocobaseApiToken"], next() < (s.handoverFailureRate ?? 0));
            runs++;
            if ([...world.entra.keys()].some((k) => !keysBefore.has(k))) {
                fallback = undefined;
                // Without variables nothing switches; each new secret is a rotation (the first one aside).
                rotations += s.withoutVariables === true && keysBefore.size > 0 ? 1 : 0;
            }
            if (world.nocobaseKeyId !== held && held !== undefined) {
                rotations++;
                fallback = switched(held);
            }
            if (result.run !== undefined) {
                const window = Math.floor(world.now / (s.rotationDays * DAY_MS));
                const inputs = JSON.stringify(result.run.registrations.filter((r) => r.type === PASSWORD).map((r) => [r.name, r.inputs]));
                const keys = [...world.entra.keys()].sort().join(",");
                if (previous !== undefined && previous.window === window && previous.generation === generation) {
                    quietRuns++;
                    check(inputs === previous.inputs, "a run inside the window declared other slot inputs than the last run");
                    check(keys === previous.keys, "a run inside the window changed the secrets in Entra");
                }
                previous = { window, generation, inputs, keys };
                const target = String(result.run.outputs.clientSecretKeyId);
                const status = result.run.outputs.pastedSecret as { awaitingKeyId?: string; pasteBy?: string };
                if (s.administrator !== undefined && status.awaitingKeyId !== undefined && paste?.keyId !== status.awaitingKeyId) {
                    // A newly offered secret: the administrator reads the warning and pastes it later, or never.
                    const untilDeadline = status.pasteBy === undefined ? s.administrator.maxDelayDays
                        : Math.floor((Date.parse(status.pasteBy) - world.now) / DAY_MS) - 1;
                    const limit = s.administrator.inTime ? Math.max(0, Math.min(s.administrator.maxDelayDays, untilDeadline)) : s.administrator.maxDelayDays;
                    paste = next() < (s.administrator.neverShare ?? 0) ? undefined : { day: day + Math.floor(next() * (limit + 1)), keyId: status.awaitingKeyId };
                }
                if (pushLater && target !== world.nocobaseKeyId) {
                    const untilRotation = Math.floor((Date.parse(String(result.run.outputs.nextRotationAt)) - world.now) / DAY_MS);
                    push = { day: day + Math.min(s.pushLaterDays ?? 0, Math.max(untilRotation - 1, 0)), keyId: target };
                }
            } else {
                failedRuns++;
                check(world.nocobaseKeyId === held, "a failed run moved NocoBase");
            }
            nextRunDay = day + 1 + Math.floor(next() * s.maxGapDays);
        }
        if (push !== undefined && push.day === day) {
            const held = world.nocobaseKeyId;
            world.handOver(push.keyId);
            push = undefined;
            if (held !== undefined && held !== world.nocobaseKeyId) {
                rotations++;
                fallback = switched(held);
            }
        }

        if (paste !== undefined && paste.day === day) {
            // The paste and the confirmation go together; the administrator pastes only what exists.
            check(world.entra.has(paste.keyId) || s.administrator?.inTime !== true, `the administrator was offered ${paste.keyId}, which no longer exists`);
            if (world.entra.has(paste.keyId)) {
                world.emailManagerKeyId = paste.keyId;
                world.confirmedKeyId = paste.keyId;
                config.pastedSecretKeyId = paste.keyId;
                pastes++;
            }
            paste = undefined;
        }

        // The invariants, at every instant.
        check(world.entra.size <= 2, `${world.entra.size} secrets exist`);
        if (world.nocobaseKeyId !== undefined) {
            const held = world.entra.get(world.nocobaseKeyId);
            check(held !== undefined, `NocoBase holds ${world.nocobaseKeyId}, which no longer exists`);
            if (withinSlack) {
                check(held !== undefined && held.expiresAt > world.now, `NocoBase holds ${world.nocobaseKeyId}, which has expired`);
            }
        }
        if (world.confirmedKeyId !== undefined) {
            check(world.entra.has(world.confirmedKeyId), `the confirmed pasted secret ${world.confirmedKeyId} no longer exists`);
        }
        if (s.administrator?.inTime === true && world.emailManagerKeyId !== undefined) {
            const held = world.entra.get(world.emailManagerKeyId);
            check(held !== undefined && held.expiresAt > world.now, `the Email Manager holds ${world.emailManagerKeyId}, which is deleted or expired`);
        }
        if (fallback !== undefined) {
            const left = world.entra.get(fallback);
            check(left !== undefined, `the fallback ${fallback} vanished before a later run made a new secret`);
        }
    }
    return { violations: world.violations, runs, rotations, quietRuns, failedRuns, pastes };
}

function assertClean(outcome: Outcome, atLeastRotations: number) {
    assert.deepEqual(outcome.violations, []);
    assert.equal(outcome.failedRuns, 0);
    assert.ok(outcome.rotations >= atLeastRotations, `only ${outcome.rotations} rotations in ${outcome.runs} runs`);
    assert.ok(outcome.quietRuns > 0, "some runs fell inside a window and had to change nothing");
}

const YEARS_3 = 3 * 366;

describe("rotation simulation: runs within the slack", () => {
    it("keeps every invariant with the defaults (60/180), runs 1 to 60 days apart and rotate-now bumps", async () => {
        const outcome = await simulate({ rotationDays: 60, lifetimeDays: 180, days: YEARS_3, seed: 7, maxGapDays: 60, bumps: [100, 101, 400, 733] });
        assertClean(outcome, 18);
    });

    it("keeps every invariant with a short schedule (7/21) and daily to weekly runs for 240 days", async () => {
        const outcome = await simulate({ rotationDays: 7, lifetimeDays: 21, days: 240, seed: 3, maxGapDays: 7, bumps: [50, 51, 52] });
        assertClean(outcome, 30);
    });
});

describe("rotation simulation: beyond the slack", () => {
    it("never deletes the held secret before NocoBase has a new one, after pauses longer than a window", async () => {
        // Gaps up to 170 days with 60-day windows, and a "rotate now" in the run that opens a new window.
        const newWindow = windowStartDay(60, 30);
        const outcome = await simulate({
            rotationDays: 60, lifetimeDays: 180, days: YEARS_3, seed: 11, maxGapDays: 170, bumps: [newWindow, 500], runDays: [newWindow],
        });
        assert.deepEqual(outcome.violations, []);
        assert.ok(outcome.rotations >= 5);
    });

    it("keeps NocoBase on an existing secret when hand-overs fail, also when the next run comes windows later", async () => {
        const outcome = await simulate({ rotationDays: 30, lifetimeDays: 90, days: YEARS_3, seed: 5, maxGapDays: 75, handoverFailureRate: 0.3, bumps: [200, 201] });
        assert.deepEqual(outcome.violations, []);
        assert.ok(outcome.rotations >= 5);
        assert.ok(outcome.failedRuns >= 3, `only ${outcome.failedRuns} failed hand-overs`);
    });
});

describe("rotation simulation: push-later path", () => {
    it("keeps every invariant when NocoBase only gets each secret by a push days later, before nextRotationAt", async () => {
        const outcome = await simulate({ rotationDays: 60, lifetimeDays: 180, days: YEARS_3, seed: 13, maxGapDays: 40, pushLaterDays: 9 });
        assertClean(outcome, 15);
    });
});

describe("rotation simulation: an administrator pastes into Email Settings", () => {
    it("keeps the confirmed secret and the Email Manager's alive when each paste comes at a random day before its deadline", async () => {
        const outcome = await simulate({
            rotationDays: 60, lifetimeDays: 180, days: YEARS_3, seed: 17, maxGapDays: 30, withoutVariables: true, administrator: { maxDelayDays: 120, inTime: true },
        });
        assertClean(outcome, 15);
        assert.ok(outcome.pastes >= 10, `only ${outcome.pastes} pastes`);
    });

    it("with an API key too, keeps both the variables' secret and the confirmed one through rotations that wait", async () => {
        const outcome = await simulate({ rotationDays: 30, lifetimeDays: 90, days: 366, seed: 19, maxGapDays: 10, administrator: { maxDelayDays: 80, inTime: true } });
        assert.deepEqual(outcome.violations, []);
        assert.ok(outcome.rotations >= 4 && outcome.pastes >= 4, `${outcome.rotations} rotations, ${outcome.pastes} pastes`);
    });

    it("never deletes a confirmed secret, nor exceeds two, when pastes come late or never", async () => {
        const outcome = await simulate({
            rotationDays: 30, lifetimeDays: 90, days: 2 * 366, seed: 23, maxGapDays: 20, withoutVariables: true,
            administrator: { maxDelayDays: 150, inTime: false, neverShare: 0.3 },
        });
        assert.deepEqual(outcome.violations, []);
        assert.ok(outcome.pastes >= 3, `only ${outcome.pastes} pastes`);
    });

    it("catches the confirmed secret being deleted when the stack ignores the confirmation", async () => {
        const outcome = await simulate({
            rotationDays: 30, lifetimeDays: 90, days: 400, seed: 29, maxGapDays: 10, withoutVariables: true, administrator: { maxDelayDays: 150, inTime: false },
            sabotage: { ignoreConfirmation: true }, stopAtViolation: true,
        });
        assert.ok(outcome.violations.some((v) => /the pasted secret the stack's configuration confirms/.test(v)), outcome.violations.join("\n"));
    });
});

describe("rotation simulation: it can fail", () => {
    it("catches a third secret when the rotated slot is replaced create-before-delete", async () => {
        const outcome = await simulate({ rotationDays: 60, lifetimeDays: 180, days: 400, seed: 7, maxGapDays: 20, sabotage: { createBeforeDelete: true }, stopAtViolation: true });
        assert.ok(outcome.violations.some((v) => /a third secret was created/.test(v)), outcome.violations.join("\n"));
    });

    it("catches the held secret being deleted when the slot is chosen by the clock after a pause", async () => {
        const outcome = await simulate({ rotationDays: 60, lifetimeDays: 180, days: 400, seed: 7, maxGapDays: 130, sabotage: { clockOnly: { rotationDays: 60 } }, stopAtViolation: true });
        assert.ok(outcome.violations.some((v) => /the secret NocoBase holds/.test(v)), outcome.violations.join("\n"));
    });
});
