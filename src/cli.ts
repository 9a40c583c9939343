#!/usr/bin/env node
// The package's `bin`: `nocobase-entra-mail <command> [options]`; the commands are in src/operations/command-registry.ts.
import { runTool } from "./operations/tool-runner";

void runTool(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
}).then((code) => {
    process.exitCode = code;
});
