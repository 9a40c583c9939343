/**
 * npm run bench:doctor -- [--environments 24] [--latency-ms 150] [--concurrency 4,8]
 * Measures the live check over N environments against the local emulator with injected Graph latency,
 * sequentially and with bounded concurrency, and prints the times: with concurrency c the run should cost
 * about N/c of the sequential one. A measurement to read, not a pass/fail test.
 */
import { checkEnvironments } from "../src/doctor/check-environments";
import { probeSecret } from "../src/doctor/secret-probe";
import { emulatorEndpoints, emulatorGraphClient } from "../test/graph/emulator/clients";
import { startEmulator } from "../test/graph/emulator/emulator";

function option(name: string, fallback: string): string {
    const index = process.argv.indexOf(name);
    return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
    const count = Number(option("--environments", "24"));
    const latencyMs = Number(option("--latency-ms", "150"));
    // Sequential first: it is the reference every speed-up is measured against.
    const levels = [1, ...option("--concurrency", "4,8").split(",").map(Number).filter((c) => c !== 1)];
    if (![count, latencyMs, ...levels].every((n) => Number.isInteger(n) && n >= 0) || levels.some((c) => c < 1) || count < 1) {
        throw new Error("--environments, --latency-ms and --concurrency take whole numbers (concurrency >= 1).");
    }
    const emulator = await startEmulator();
    try {
        const caller = emulator.directory.seedCaller("bench");
        const documents = Array.from({ length: count }, (_, i) => {
            const outputs = emulator.directory.seedEnvironment({ environment: `bench-${i}`, adminConsent: i % 2 === 0 });
            return { source: `bench-${i}.json`, json: JSON.stringify(outputs) };
        });
        const graph = emulatorGraphClient(emulator, caller, { tenantId: emulator.tenantId });
        const services = {
            graphFor: () => graph,
            probe: (expected: Parameters<typeof probeSecret>[0]) => probeSecret(expected, emulatorEndpoints(emulator), 10_000),
            now: () => new Date(),
        };
        // Warm-up: token acquisition and TLS sessions are not what is measured.
        await checkEnvironments(documents.slice(0, 1), { warnDays: 30, probeSecret: false, concurrency: 1 }, services);
        emulator.latencyMs = latencyMs;
        process.stdout.write(`doctor over ${count} environments, ${latencyMs} ms injected latency per Graph call\n`);
        process.stdout.write("concurrency  wall time   Graph calls  calls/env  speed-up  ideal (N/c bound)\n");
        let sequentialMs = 0;
        for (const concurrency of levels) {
            emulator.resetStats();
            const started = performance.now();
            const reports = await checkEnvironments(documents, { warnDays: 30, probeSecret: false, concurrency }, services);
            const elapsed = performance.now() - started;
            if (reports.some((r) => r.outcome !== "healthy")) {
                throw new Error(`unexpected findings: ${JSON.stringify(reports.filter((r) => r.outcome !== "healthy"))}`);
            }
            if (concurrency === 1) {
                sequentialMs = elapsed;
            }
            const calls = emulator.log.filter((l) => l.kind === "graph").length;
            process.stdout.write(`${String(concurrency).padStart(11)}  ${(elapsed / 1000).toFixed(2).padStart(7)} s  ` +
                `${String(calls).padStart(11)}  ${(calls / count).toFixed(2).padStart(9)}  ${(sequentialMs / elapsed).toFixed(2).padStart(7)}x  ` +
                `${Math.min(concurrency, count).toFixed(2).padStart(8)}x\n`);
        }
    } finally {
        await emulator.close();
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`bench-doctor: ${(err as Error).message}\n`);
    process.exitCode = 1;
});
