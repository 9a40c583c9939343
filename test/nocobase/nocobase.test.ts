/**
 * Integration tests against a real NocoBase 2.2.15, started once for the whole run (about 30 s) and
 * stopped afterwards. Every `*.suite.ts` beside this file runs, in file-name order, against that one
 * server; a suite that restarts the server is named `*.restarts-server.suite.ts` and runs after all the
 * others, so that none of them meets a server it did not expect.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before } from "node:test";
import { runningNocobase, startNocobase } from "../nocobase-server/harness";
import { runningEmulator, startMicrosoftEmulator } from "./support";

const RESTARTS_SERVER = ".restarts-server.suite.ts";
const suites = fs.readdirSync(__dirname).filter((file) => file.endsWith(".suite.ts")).sort();
for (const suite of [...suites.filter((file) => !file.endsWith(RESTARTS_SERVER)), ...suites.filter((file) => file.endsWith(RESTARTS_SERVER))]) {
    // A suite registers its tests when loaded: the load order is the run order.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(__dirname, suite));
}

before(async () => {
    await startMicrosoftEmulator();
    const started = Date.now();
    await startNocobase((line) => console.log(`test NocoBase: ${line}`));
    console.log(`test NocoBase: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, { timeout: 600_000 });

after(async () => {
    await (runningNocobase() as { stop?: () => Promise<void> }).stop?.();
    await runningEmulator().close();
});
