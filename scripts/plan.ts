// Offline plan: `npm run plan -- --stack <name> [--at <ISO instant>] [--outputs <file>]`. Evaluates the real
// program against stacks/Pulumi.<name>.yaml under Pulumi's mocks and prints what `pulumi up` would declare;
// with --outputs (the stack's `pulumi stack output --json`) it starts from that stack's rotation state.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { renderPlan } from "../src/offline/plan-report";
import { ProgramFailure, runProgram } from "../src/offline/program-runner";
import { listStacks, readStackFile, STACKS_DIR } from "../src/offline/stack-file";
import { parseRotationRecord } from "../src/rotation-record";

const USAGE = "usage: npm run plan -- --stack <name> [--at <ISO 8601 instant>] [--outputs <pulumi stack output --json file>] [--stacks-dir <dir>]";

/** The stack outputs in a file; a message (never its content, which may hold a secret) when unreadable. */
function readOutputs(file: string): Record<string, unknown> | string {
    try {
        const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
            return parsed as Record<string, unknown>;
        }
    } catch {
        // Reported below without the file's content.
    }
    return `--outputs ${file} is not a JSON object of stack outputs; make it with: pulumi stack output --json --stack <name> > ${file}`;
}

async function main(): Promise<number> {
    let values: { stack?: string; at?: string; outputs?: string; "stacks-dir"?: string };
    try {
        ({ values } = parseArgs({ options: { stack: { type: "string" }, at: { type: "string" }, outputs: { type: "string" }, "stacks-dir": { type: "string" } } }));
    } catch (err) {
        console.error(`${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    const stacksDir = values["stacks-dir"] ?? STACKS_DIR;
    if (values.stack === undefined) {
        console.error(`${USAGE}\nstacks: ${listStacks(stacksDir).join(", ")}`);
        return 2;
    }
    const now = values.at === undefined ? new Date() : new Date(values.at);
    if (Number.isNaN(now.getTime())) {
        console.error(`--at ${JSON.stringify(values.at)} is not a date; give e.g. 2027-03-01T00:00:00Z\n${USAGE}`);
        return 2;
    }
    let stackFile;
    try {
        stackFile = readStackFile(values.stack, stacksDir);
    } catch (err) {
        console.error((err as Error).message);
        return 2;
    }
    const previousOutputs = values.outputs === undefined ? {} : readOutputs(values.outputs);
    if (typeof previousOutputs === "string") {
        console.error(previousOutputs);
        return 2;
    }
    try {
        const previous = values.outputs === undefined ? undefined : parseRotationRecord(previousOutputs);
        const run = await runProgram({ stack: values.stack, config: stackFile.config, secretKeys: stackFile.secretKeys, now, previousOutputs });
        console.log(renderPlan(values.stack, now, run, previous));
        return 0;
    } catch (err) {
        if (err instanceof ProgramFailure && pulumi.RunError.isInstance(err.error)) {
            console.error(`OFFLINE PLAN for stack "${values.stack}": configuration error\n${err.error.message}`);
            return 1;
        }
        throw err;
    }
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
    console.error(`offline plan failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
});
