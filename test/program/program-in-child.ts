// Runs the program under mocks in a child process (run-program-child.ts) and returns the outcome. A
// refusal raised after the program's top level (it waits for the stack's last outputs) rejects once per
// derived output, as under `pulumi up`; in a child those echoes stay away from the test runner.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { ProgramRunOptions } from "../../src/operations/plan/program-runner";

interface ChildOutcome {
    readonly ok: boolean;
    readonly runError?: boolean;
    readonly message?: string;
    readonly registrations: string[];
}

export function runInChild(options: ProgramRunOptions): ChildOutcome {
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "run-program-child.ts"), JSON.stringify(options)], {
        encoding: "utf8", timeout: 60_000,
    });
    assert.ok(child.stdout !== "", `child printed nothing; stderr: ${child.stderr}`);
    return JSON.parse(child.stdout) as ChildOutcome;
}

