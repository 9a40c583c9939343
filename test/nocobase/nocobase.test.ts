/**
 * Integration tests against a real NocoBase 2.2.15, started once for the whole run (about 30 s) and
 * stopped afterwards. The suites live in the *.suite.ts modules beside this file.
 */
import { after, before } from "node:test";
import { runningNocobase, startNocobase } from "../nocobase-server/harness";
import { runningEmulator, startMicrosoftEmulator } from "./support";
import "./provider.suite";
import "./faults.suite";
import "./end-to-end.suite";
import "./push-script.suite";
import "./serialization.suite";
import "./sub-application.suite";
import "./handover.suite";
import "./doctor.suite";
// Last: it restarts the server at other log levels.
import "./log-exposure.suite";

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
