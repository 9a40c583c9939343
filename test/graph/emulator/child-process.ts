/** Runs one command of the tool as a child process, the way a user does, trusting the emulator's certificate. */
import { spawn } from "node:child_process";
import { join } from "node:path";

export interface ScriptRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

const ROOT = join(__dirname, "..", "..", "..");

export function runScript(command: string, args: readonly string[], env: Record<string, string>, stdin?: string): Promise<ScriptRun> {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli.ts"), command, ...args], {
        cwd: ROOT,
        // A clean environment: nothing from the developer's own Azure sign-in leaks into the test.
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
        stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdin.end(stdin ?? "");
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}
