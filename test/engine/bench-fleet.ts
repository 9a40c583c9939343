/**
 * npm run bench:fleet -- [--stacks 20] [--concurrency 1,4]
 * `fleet preview` over N deployed stacks of the engine suite's test project on the real Pulumi CLI,
 * against the Microsoft emulator and one real NocoBase, at each concurrency: wall time, time per stack,
 * speed-up over the first level, and the peak memory of one stack's worker (its Node process, the
 * Pulumi CLI and the dynamic-provider plugin it starts, sampled from /proc). A measurement to read, not
 * a pass/fail test.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError, wholeNumber } from "../../src/operations/command-line";
import type { FleetReport } from "../../src/operations/fleet/fleet-report";
import { runningNocobase, startNocobase } from "../nocobase-server/harness";
import { runningEmulator, startMicrosoftEmulator } from "../nocobase/support";
import { fleetStack, newFleetProject } from "./fleet-support";
import { engineToolchain } from "./toolchain";

const USAGE = `Usage: npm run bench:fleet -- [--stacks <n>] [--concurrency <c,c,...>]

Deploys n stacks (default 20) of the engine suite's test project once, then measures
\`fleet preview\` over them at each concurrency (default 1,4; the first is the reference).

  -h, --help   this help

Exit codes: 0 measured, 1 the measurement failed, 2 usage.
`;

interface ProcessInfo {
    readonly pid: number;
    readonly ppid: number;
    readonly rssBytes: number;
    readonly command: string;
}

function processes(): ProcessInfo[] {
    const found: ProcessInfo[] = [];
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
            const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
            const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
            const command = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
            found.push({ pid: Number(entry), ppid, rssBytes: rssKb * 1024, command });
        } catch {
            // The process ended while it was read.
        }
    }
    return found;
}

/** Samples the worker trees under this process: peak resident memory of each worker with its descendants. */
class MemorySampler {
    readonly peaks = new Map<number, number>();
    private readonly timer = setInterval(() => this.sample(), 100);

    private sample(): void {
        const all = processes();
        const children = new Map<number, ProcessInfo[]>();
        all.forEach((p) => children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]));
        const tree = (pid: number): number => (children.get(pid) ?? []).reduce((sum, c) => sum + c.rssBytes + tree(c.pid), 0);
        for (const worker of all.filter((p) => p.command.includes("stack-worker.ts"))) {
            const rss = worker.rssBytes + tree(worker.pid);
            this.peaks.set(worker.pid, Math.max(rss, this.peaks.get(worker.pid) ?? 0));
        }
    }

    stop(): number[] {
        clearInterval(this.timer);
        return [...this.peaks.values()];
    }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<number> {
    let count: number;
    let levels: number[];
    try {
        const { values } = parseCommandLine(process.argv.slice(2), { stacks: { type: "string" }, concurrency: { type: "string" } }, false);
        if (values.help) {
            process.stdout.write(USAGE);
            return EXIT_OK;
        }
        count = wholeNumber("--stacks", values.stacks, 1, 200) ?? 20;
        levels = (values.concurrency ?? "1,4").split(",").map((c) => wholeNumber("--concurrency", c, 1, 32) ?? 1);
    } catch (err) {
        process.stderr.write(`bench:fleet: ${(err as Error).message}\n\n${USAGE}`);
        return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
    }
    const toolchain = await engineToolchain();
    await startMicrosoftEmulator();
    await startNocobase();
    const project = newFleetProject(toolchain);
    try {
        const stacks = Array.from({ length: count }, (_, i) => `bench-${String(i + 1).padStart(2, "0")}`);
        await project.configure(Object.fromEntries(stacks.map((s) => [s, fleetStack(s).config])));
        // Every stack's hand-over restarts the one NocoBase; a stack that met another's restart past its
        // retries is run again, as a user would with --only-failed.
        let up = await project.fleet(["up", "--concurrency", "4"]);
        for (let attempt = 1; up.code !== 0 && attempt <= 3; attempt++) {
            process.stdout.write(`bench:fleet: fleet up, then --only-failed (${attempt}):\n${up.stdout}`);
            up = await project.fleet(["up", "--only-failed", "--concurrency", "2"]);
        }
        if (up.code !== 0) {
            throw new Error(`fleet up failed before the measurement:\n${up.stdout.slice(-3000)}`);
        }
        process.stdout.write(`bench:fleet: ${count} stacks, pulumi ${toolchain.pulumiVersion}, ${os.cpus().length} CPUs, ` +
            `Node ${process.version}\n\nconcurrency  wall      per stack (wall/n)  mean stack run  speed-up  peak per worker (max / mean)\n`);
        let reference: number | undefined;
        for (const level of levels) {
            const sampler = new MemorySampler();
            const started = Date.now();
            const run = await project.fleet(["preview", "--concurrency", String(level), "--json"]);
            const wallMs = Date.now() - started;
            const peaks = sampler.stop();
            const report = JSON.parse(run.stdout) as FleetReport;
            if (run.code !== 0) {
                throw new Error(`fleet preview failed at concurrency ${level}: ${report.stacks.filter((s) => s.status === "failed").map((s) => `${s.stack}: ${s.reason}`).join("; ")}`);
            }
            reference ??= wallMs;
            const meanStack = report.stacks.reduce((sum, s) => sum + s.durationMs, 0) / report.stacks.length;
            const peakMax = Math.max(...peaks);
            const peakMean = peaks.reduce((a, b) => a + b, 0) / Math.max(1, peaks.length);
            process.stdout.write(`${String(level).padStart(11)}  ${(wallMs / 1000).toFixed(1).padStart(6)} s  ` +
                `${(wallMs / count / 1000).toFixed(2).padStart(16)} s  ${(meanStack / 1000).toFixed(2).padStart(12)} s  ` +
                `${(reference / wallMs).toFixed(2).padStart(7)}x  ${mb(peakMax)} / ${mb(peakMean)}\n`);
        }
        return EXIT_OK;
    } finally {
        project.remove();
        await (runningNocobase() as { stop?: () => Promise<void> }).stop?.();
        await runningEmulator().close();
    }
}

main().then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`bench:fleet: ${(err as Error).message}\n`);
    process.exitCode = EXIT_FAILED;
});
