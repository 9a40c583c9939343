/**
 * npm run bench:doctor -- [--environments 24] [--latency-ms 150] [--concurrency 2,4,8]
 * Measures the live check over N environments against the local emulator with injected Graph latency,
 * sequentially and with bounded concurrency, and prints the times: with concurrency c the run should cost
 * about N/c of the sequential one. A measurement to read, not a pass/fail test.
 */
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError, wholeNumber } from "../../src/operations/command-line";
import { checkEnvironments } from "../../src/operations/doctor/check-environments";
import { probeSecret } from "../../src/operations/doctor/secret-probe";
import { emulatorEndpoints, emulatorGraphClient } from "./emulator/clients";
import { startEmulator } from "./emulator/emulator";

const USAGE = `Usage: npm run bench:doctor -- [--environments <n>] [--latency-ms <ms>] [--concurrency <c,c,...>]

Measures the doctor over n environments (default 24) against the local Graph emulator with the given
latency per Graph call (default 150 ms), sequentially and at each concurrency (default 2,4,8).

  -h, --help   this help

Exit codes: 0 measured, 1 the measurement failed, 2 usage.
`;

interface BenchArguments {
    readonly help: boolean;
    readonly count: number;
    readonly latencyMs: number;
    /** Concurrency levels, sequential (1) first: the reference every speed-up is measured against. */
    readonly levels: readonly number[];
}

function parseBenchArguments(argv: readonly string[]): BenchArguments {
    const { values, positionals } = parseCommandLine(argv, {
        environments: { type: "string" }, "latency-ms": { type: "string" }, concurrency: { type: "string" },
    }, false);
    if (positionals.length > 0) {
        throw new UsageError("bench:doctor takes options only.");
    }
    const levels = (values.concurrency ?? "2,4,8").split(",").map((c) => wholeNumber("--concurrency", c, 1, 256) ?? 1);
    return {
        help: values.help ?? false,
        count: wholeNumber("--environments", values.environments, 1, 1000) ?? 24,
        latencyMs: wholeNumber("--latency-ms", values["latency-ms"], 0, 10_000) ?? 150,
        levels: [1, ...levels.filter((c) => c !== 1)],
    };
}

async function main(): Promise<number> {
    let args: BenchArguments;
    try {
        args = parseBenchArguments(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`bench-doctor: ${(err as Error).message}\n\n${USAGE}`);
        return EXIT_USAGE;
    }
    if (args.help) {
        process.stdout.write(USAGE);
        return EXIT_OK;
    }
    const { count, latencyMs, levels } = args;
    const emulator = await startEmulator();
    try {
        const caller = emulator.directory.seedCaller("bench");
        const documents = Array.from({ length: count }, (_, i) => {
            const outputs = emulator.directory.seedEnvironment({ environment: `bench-${i}`, adminConsent: i % 2 === 0 });
            return { source: `bench-${i}.json`, json: JSON.stringify(outputs) };
        });
        const graph = emulatorGraphClient(emulator, caller, { tenantId: emulator.tenantId });
        const services = {
            // The emulator's Graph client signs in on its first call, which the warm-up run below pays for.
            signIn: () => Promise.resolve(),
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
    return EXIT_OK;
}

main().then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`bench-doctor: ${(err as Error).message}\n`);
    process.exitCode = EXIT_FAILED;
});
