/**
 * npm run fleet -- <preview|up|refresh|doctor|matrix> [options] [<stack or glob>...]
 * Many stacks of one project in one command, each in its own process. See FLEET_USAGE.
 */
import { EXIT_FAILED } from "../src/operations/command-line";
import { runFleet } from "../src/operations/fleet/fleet-run";
import { redactForeignText } from "../src/redaction";

runFleet(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`fleet: unexpected failure: ${redactForeignText((err as Error).message)}\n`);
    process.exitCode = EXIT_FAILED;
});
