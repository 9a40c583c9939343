/**
 * The real-engine suite: the Pulumi CLI built from the Go module proxy (test/engine/setup.sh), a file
 * backend and passphrase secrets per stack, the Microsoft emulator's token endpoint and a real NocoBase,
 * all started here once. Every `*.suite.ts` beside this file runs in file-name order.
 */
import { runSuites } from "../nocobase/suite-runner";
import { engineToolchain } from "./toolchain";

runSuites(__dirname, {
    startTimeoutMs: 3_600_000,
    prepare: async () => {
        const toolchain = await engineToolchain();
        console.log(`engine: pulumi ${toolchain.pulumiVersion} from ${toolchain.bin}`);
        for (const answer of toolchain.proxyAnswers) {
            console.log(`engine: Go module proxy ${answer}`);
        }
    },
});
