// Constructs the component through the provider in its own process and prints the outcome as JSON. An input
// that is an output is checked once known: a refusal then rejects every output derived from it, as under
// `pulumi up` (which reports it once); in a child those rejections stay away from the test runner.
// Inputs arrive as JSON; {"output": v} stands for pulumi.output(v) and {"secret": v} for pulumi.secret(v).
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../../src/operations/plan/recording-mocks";
import { constructThroughProvider } from "./component-provider";

function revive(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(revive);
    }
    if (typeof value === "object" && value !== null) {
        const wrapped = value as { output?: unknown; secret?: unknown };
        return "output" in wrapped ? pulumi.output(wrapped.output) : "secret" in wrapped ? pulumi.secret(wrapped.secret) : value;
    }
    return value;
}

const inputs = Object.fromEntries(Object.entries(JSON.parse(process.argv[2] ?? "{}") as Record<string, unknown>)
    .map(([key, value]) => [key, revive(value)]));
const mocks = new RecordingMocks();
let reported = false;
const report = (outcome: Record<string, unknown>): void => {
    if (!reported) {
        reported = true;
        process.stdout.write(JSON.stringify({ ...outcome, registrations: mocks.registrations.map((r) => r.type) }));
    }
};
const refuse = (err: unknown): void => {
    const error = err instanceof Error ? err : new Error(String(err));
    report({ ok: false, runError: pulumi.RunError.isInstance(error), message: error.message });
};
process.on("unhandledRejection", refuse);
constructThroughProvider(inputs, { stack: "prod", now: new Date("2026-11-23T12:00:00Z") }, mocks)
    .then(() => report({ ok: true }), refuse);
