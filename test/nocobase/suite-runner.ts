/**
 * One run of integration suites against one real NocoBase and the Microsoft emulator, both started once:
 * the NocoBase entry (test/nocobase) and the real-engine entry (test/engine) load their suites this way.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before } from "node:test";
import { runningNocobase, startNocobase } from "../nocobase-server/harness";
import { runningEmulator, startMicrosoftEmulator } from "./support";

export interface SuiteRunOptions {
    /** Suites whose file name ends so run after all the others (they restart the server). */
    readonly lastSuffix?: string;
    /** Bound on starting everything, in milliseconds. */
    readonly startTimeoutMs: number;
    /** Runs before the servers start, e.g. to check and report a toolchain. */
    readonly prepare?: () => Promise<void>;
}

/** Loads every `*.suite.ts` in `dir` in file-name order (the load order is the run order), around one server start. */
export function runSuites(dir: string, options: SuiteRunOptions): void {
    const suites = fs.readdirSync(dir).filter((file) => file.endsWith(".suite.ts")).sort();
    const last = options.lastSuffix;
    const ordered = last === undefined ? suites
        : [...suites.filter((file) => !file.endsWith(last)), ...suites.filter((file) => file.endsWith(last))];
    for (const suite of ordered) {
        // A suite registers its tests when loaded.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(dir, suite));
    }

    before(async () => {
        await options.prepare?.();
        await startMicrosoftEmulator();
        const started = Date.now();
        await startNocobase((line) => console.log(`test NocoBase: ${line}`));
        console.log(`test NocoBase: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, { timeout: options.startTimeoutMs });

    after(async () => {
        await (runningNocobase() as { stop?: () => Promise<void> }).stop?.();
        await runningEmulator().close();
    });
}
