/**
 * The real-engine suite: the Pulumi CLI built from the Go module proxy (test/engine/setup.sh), a file
 * backend and passphrase secrets per stack, the Microsoft emulator's token endpoint and a real NocoBase,
 * all started here once. Every `*.suite.ts` beside this file runs in file-name order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before } from "node:test";
import { runningNocobase, startNocobase } from "../nocobase-server/harness";
import { runningEmulator, startMicrosoftEmulator } from "../nocobase/support";
import { engineToolchain } from "./toolchain";

for (const suite of fs.readdirSync(__dirname).filter((file) => file.endsWith(".suite.ts")).sort()) {
    // A suite registers its tests when loaded: the load order is the run order.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(__dirname, suite));
}

before(async () => {
    const toolchain = await engineToolchain();
    console.log(`engine: pulumi ${toolchain.pulumiVersion} from ${toolchain.bin}`);
    for (const answer of toolchain.proxyAnswers) {
        console.log(`engine: Go module proxy ${answer}`);
    }
    await startMicrosoftEmulator();
    const started = Date.now();
    await startNocobase((line) => console.log(`test NocoBase: ${line}`));
    console.log(`test NocoBase: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, { timeout: 3_600_000 });

after(async () => {
    await (runningNocobase() as { stop?: () => Promise<void> }).stop?.();
    await runningEmulator().close();
});
