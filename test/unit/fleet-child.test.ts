/**
 * The fleet's child processes: output and lines come back, and a child past its time limit is stopped
 * with every process it started (its process group), SIGKILL after the grace period.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { runChild } from "../../src/operations/fleet/fleet-child";

const options = { cwd: process.cwd(), env: process.env, nodeFlags: [] };

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

describe("fleet child process", () => {
    it("returns the exit code, stdout and stderr, and hands over each stdout line", async () => {
        const lines: string[] = [];
        const run = await runChild(["-e", "console.log('one'); console.log('two'); console.error('warn'); process.exit(3)"],
            { ...options, timeoutMs: 30_000, onLine: (line) => lines.push(line) });
        assert.deepEqual({ code: run.code, stdout: run.stdout, stderr: run.stderr, timedOut: run.timedOut },
            { code: 3, stdout: "one\ntwo\n", stderr: "warn\n", timedOut: false });
        assert.deepEqual(lines, ["one", "two"]);
    });

    it("stops a child past its limit together with the process it started, even one that ignores SIGTERM", async () => {
        // The child starts a grandchild that ignores SIGTERM, prints its PID and waits forever.
        const grandchild = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)";
        const script = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore' });` +
            "console.log(c.pid); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)";
        const started = Date.now();
        const run = await runChild(["-e", script], { ...options, timeoutMs: 1_000, graceMs: 500 });
        assert.equal(run.timedOut, true);
        assert.ok(Date.now() - started < 10_000, `stopped after ${Date.now() - started} ms`);
        const grandchildPid = Number(run.stdout.trim());
        assert.ok(grandchildPid > 0, `grandchild PID in ${JSON.stringify(run.stdout)}`);
        // SIGKILL of the group reaches the grandchild; give the kernel a moment to reap it.
        for (let i = 0; i < 50 && alive(grandchildPid); i++) {
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.equal(alive(grandchildPid), false, "the grandchild still runs");
    });

    it("passes Ctrl-C on to a child's process group, which the terminal no longer reaches", async () => {
        // A parent that runs a child under runChild, then reports the child's result; SIGINT goes to the parent only.
        const module = path.resolve(__dirname, "../../src/operations/fleet/fleet-child.ts");
        const parent = `const { runChild } = require(${JSON.stringify(module)});` +
            "runChild(['-e', \"console.log('up'); setInterval(() => {}, 1000)\"], { cwd: process.cwd(), env: process.env, nodeFlags: [], timeoutMs: 60000," +
            " onLine: () => console.log('child up') }).then((run) => console.log(JSON.stringify({ code: run.code, timedOut: run.timedOut })));";
        const child = spawn(process.execPath, ["--import", "tsx", "-e", parent], { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        await new Promise<void>((resolve) => child.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString("utf8");
            if (out.includes("child up")) {
                resolve();
            }
        }));
        child.kill("SIGINT");
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.equal(code, 0, out);
        // The child died of SIGINT (no exit code), the parent lived on to report it.
        assert.match(out, /\{"code":null,"timedOut":false\}/);
    });
});
