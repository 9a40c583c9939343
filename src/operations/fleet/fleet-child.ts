/**
 * One child process of the fleet (a stack's worker or the doctor), on this process's Node and under tsx
 * when run from the sources, with a time limit: a stack that hangs (a prompt, a lost network, a lock held
 * by a dead run) must not hold the whole fleet. The child leads its own process group, so that the
 * Pulumi CLI and plugins it started are stopped with it.
 */
import { spawn } from "node:child_process";

export interface ChildRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** Stopped for running longer than its time limit. */
    readonly timedOut: boolean;
}

export interface ChildOptions {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /** Node flags before the script, e.g. `--import tsx`. */
    readonly nodeFlags: readonly string[];
    readonly timeoutMs: number;
    /** Sees each line of stdout as it comes. */
    readonly onLine?: (line: string) => void;
    /** Between SIGTERM (Pulumi's CLI then cancels and unlocks what it can) and SIGKILL. */
    readonly graceMs?: number;
}

const DEFAULT_GRACE_MS = 30_000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
    if (pid === undefined) {
        return;
    }
    try {
        process.kill(-pid, signal);
    } catch {
        // The group has exited already.
    }
}

/** Process groups of the children still running. */
const liveGroups = new Set<number>();
let signalsSeen = 0;

function passOn(signal: NodeJS.Signals): void {
    signalsSeen++;
    for (const pid of liveGroups) {
        signalGroup(pid, signalsSeen > 1 ? "SIGKILL" : signal);
    }
}

function watchSignals(pid: number | undefined): void {
    if (pid === undefined) {
        return;
    }
    if (liveGroups.size === 0) {
        process.on("SIGINT", passOn);
        process.on("SIGTERM", passOn);
    }
    liveGroups.add(pid);
}

function unwatchSignals(pid: number | undefined): void {
    if (pid === undefined || !liveGroups.delete(pid) || liveGroups.size > 0) {
        return;
    }
    process.off("SIGINT", passOn);
    process.off("SIGTERM", passOn);
    signalsSeen = 0;
}

export function runChild(args: readonly string[], options: ChildOptions): Promise<ChildRun> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [...options.nodeFlags, ...args], {
            cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true,
        });
        watchSignals(child.pid);
        let stdout = "";
        let pending = "";
        let stderr = "";
        let timedOut = false;
        let killTimer: NodeJS.Timeout | undefined;
        const limit = setTimeout(() => {
            timedOut = true;
            signalGroup(child.pid, "SIGTERM");
            killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), options.graceMs ?? DEFAULT_GRACE_MS);
        }, options.timeoutMs);
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString("utf8");
            pending += chunk.toString("utf8");
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            lines.forEach((line) => options.onLine?.(line));
        });
        child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
        const done = (run: Omit<ChildRun, "timedOut">): void => {
            clearTimeout(limit);
            clearTimeout(killTimer);
            unwatchSignals(child.pid);
            resolve({ ...run, timedOut });
        };
        child.on("error", (err) => done({ code: null, stdout, stderr: err.message }));
        child.on("close", (code) => done({ code, stdout, stderr }));
    });
}
