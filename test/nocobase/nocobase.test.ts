/**
 * Integration tests against a real NocoBase 2.2.15, started once for the whole run (about 30 s) and
 * stopped afterwards. Every `*.suite.ts` beside this file runs, in file-name order, against that one
 * server; a suite that restarts the server is named `*.restarts-server.suite.ts` and runs after all the
 * others, so that none of them meets a server it did not expect.
 */
import { runSuites } from "./suite-runner";

runSuites(__dirname, { lastSuffix: ".restarts-server.suite.ts", startTimeoutMs: 600_000 });
