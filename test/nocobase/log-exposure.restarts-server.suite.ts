/**
 * NocoBase at its default log level (`info`, what a production NocoBase runs unless LOGGER_LEVEL is set)
 * writes request bodies, so the client secret a hand-over sends, to its request log and stdout. This suite
 * restarts the test server without LOGGER_LEVEL, hands over a planted secret, and measures where it shows
 * up; then the same at `error`, the remedy the README gives. It leaves the server restarted, so it runs
 * last: nocobase.test.ts runs every `*.restarts-server.suite.ts` after the other suites.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { RUNTIME_DIR, restartNocobase, runningNocobase } from "../nocobase-server/harness";
import { configuredProvider, inputsFor } from "./support";

/** Every file under the server's runtime folder (stdout log, storage/logs/…) and how often `needle` is in it. */
function occurrences(needle: string): Map<string, number> {
    const found = new Map<string, number>();
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.isFile()) {
                const count = fs.readFileSync(full, "latin1").split(needle).length - 1;
                if (count > 0) {
                    found.set(path.relative(RUNTIME_DIR, full), count);
                }
            }
        }
    };
    walk(RUNTIME_DIR);
    return found;
}

function describeFound(found: Map<string, number>): string {
    return found.size === 0 ? "nowhere" : [...found].map(([file, count]) => `${file.replace(/\d{4}-\d{2}-\d{2}/, "<date>")} ×${count}`).join(", ");
}

describe("NocoBase's own logs", () => {
    it("hold the handed-over secret at NocoBase's default log level, and not at LOGGER_LEVEL=error", async () => {
        await restartNocobase(undefined);
        const provider = await configuredProvider(runningNocobase().rootApiKey);
        const atInfo = inputsFor("loginfo");
        await provider.create(atInfo);
        const exposed = occurrences(atInfo.clientSecret);
        console.log(`secret in NocoBase's logs at the default level (info): ${describeFound(exposed)}`);
        assert.ok(exposed.size > 0, "expected NocoBase at its default level to log the request body");

        await restartNocobase("error");
        const atError = inputsFor("logerror");
        await provider.create(atError);
        const quiet = occurrences(atError.clientSecret);
        console.log(`secret in NocoBase's logs at LOGGER_LEVEL=error: ${describeFound(quiet)}`);
        assert.equal(quiet.size, 0);
    });
});
