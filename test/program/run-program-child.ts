// Runs the program under mocks in its own process and prints the outcome as JSON. A refused adoption
// change rejects outside the program's top level, as under `pulumi up`; in a child process those
// rejections stay away from the test runner, which would count them against whichever test runs next.
import * as pulumi from "@pulumi/pulumi";
import { ProgramFailure, runProgram, type ProgramRunOptions } from "../../src/operations/plan/program-runner";

const parsed = JSON.parse(process.argv[2] ?? "{}") as ProgramRunOptions & { now?: string };
const options: ProgramRunOptions = { ...parsed, now: parsed.now === undefined ? undefined : new Date(parsed.now) };
runProgram(options).then((run) => {
    process.stdout.write(JSON.stringify({ ok: true, registrations: run.registrations.map((r) => r.type) }));
}, (err: unknown) => {
    const failure = err as ProgramFailure;
    process.stdout.write(JSON.stringify({
        ok: false,
        runError: pulumi.RunError.isInstance(failure.error),
        message: failure.message,
        registrations: (failure.registrations ?? []).map((r) => r.type),
    }));
});
