import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideRetry, parseRetryAfterMs, type RetryPolicy } from "../../src/http/retry-policy";

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, maxRetryAfterMs: 10_000, maxNetworkAttempts: 2 };

describe("the one retry policy", () => {
    it("repeats a read after a transient answer, with doubling capped backoff", () => {
        const transient = { kind: "transient", notApplied: false } as const;
        assert.deepEqual([1, 2, 3].map((n) => decideRetry(transient, "read", n, POLICY)),
            [{ retry: true, delayMs: 100 }, { retry: true, delayMs: 200 }, { retry: true, delayMs: 250 }]);
        assert.deepEqual(decideRetry(transient, "read", 4, POLICY), { retry: false, reason: "attempts" });
    });

    it("refuses to repeat a write after a 502/504 or a reset that may have applied it", () => {
        assert.deepEqual(decideRetry({ kind: "transient", notApplied: false }, "write", 1, POLICY), { retry: false, reason: "write-may-have-applied" });
        assert.deepEqual(decideRetry({ kind: "network", sent: true }, "write", 1, POLICY), { retry: false, reason: "write-may-have-applied" });
    });

    it("repeats a write that provably did not happen: refused connection, throttled or gateway 503", () => {
        assert.deepEqual(decideRetry({ kind: "network", sent: false }, "write", 1, POLICY), { retry: true, delayMs: 100 });
        assert.deepEqual(decideRetry({ kind: "transient", notApplied: true, retryAfterMs: 3000 }, "write", 1, POLICY), { retry: true, delayMs: 3000 });
    });

    it("does not repeat a timeout or a final answer", () => {
        assert.deepEqual(decideRetry({ kind: "timeout" }, "read", 1, POLICY), { retry: false, reason: "timeout" });
        assert.deepEqual(decideRetry({ kind: "final" }, "read", 1, POLICY), { retry: false, reason: "final" });
    });

    it("bounds attempts without a response by maxNetworkAttempts", () => {
        assert.equal(decideRetry({ kind: "network", sent: true }, "read", 1, POLICY).retry, true);
        assert.deepEqual(decideRetry({ kind: "network", sent: true }, "read", 2, POLICY), { retry: false, reason: "attempts" });
    });

    it("refuses a Retry-After beyond the budget and reports how long the server asked for", () => {
        assert.deepEqual(decideRetry({ kind: "transient", notApplied: true, retryAfterMs: 120_000 }, "read", 1, POLICY),
            { retry: false, reason: "retry-after-over-budget", retryAfterMs: 120_000 });
    });

    it("parses Retry-After as seconds or an HTTP date", () => {
        assert.equal(parseRetryAfterMs("7"), 7000);
        assert.equal(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("2015-10-21T07:28:00Z")), 10_000);
        assert.equal(parseRetryAfterMs("soon"), undefined);
        assert.equal(parseRetryAfterMs(null), undefined);
    });
});
