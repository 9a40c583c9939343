// Offline plan: `npm run plan -- --stack <name> [--at <ISO instant>]`. Evaluates the real program against
// stacks/Pulumi.<name>.yaml under Pulumi's mocks and prints what `pulumi up` would declare.
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { renderPlan } from "../src/offline/plan-report";
import { ProgramFailure, runProgram } from "../src/offline/program-runner";
import { listStacks, readStackFile, STACKS_DIR } from "../src/offline/stack-file";

const USAGE = "usage: npm run plan -- --stack <name> [--at <ISO 8601 instant>] [--stacks-dir <dir>]";

async function main(): Promise<number> {
    let values: { stack?: string; at?: string; "stacks-dir"?: string };
    try {
        ({ values } = parseArgs({ options: { stack: { type: "string" }, at: { type: "string" }, "stacks-dir": { type: "string" } } }));
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
    try {
        const run = await runProgram({ stack: values.stack, config: stackFile.config, secretKeys: stackFile.secretKeys, now });
        console.log(renderPlan(values.stack, now, run));
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
