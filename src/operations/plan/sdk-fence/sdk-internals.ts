/**
 * Every use of @pulumi/pulumi beyond its typed public API, in one place: the offline plan and the tests
 * need what the mocks do not give (a registration's options, an output's failure, the registrations no
 * output reaches). test/program/sdk-fence.test.ts fails, naming the SDK version, when an upgrade changes
 * what these rely on.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RecordingMocks, RegistrationOptions } from "../recording-mocks";

/** The monitor request of a registration as the SDK builds it (only the fields read here). */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getDependenciesList(): string[];
    getAliasesList(): Array<{ getSpec(): { getName(): string } | undefined }>;
}

/**
 * Mocks see a resource's inputs but not its options; the monitor request carries both. Wrapping the mock
 * monitor hands the options the engine would receive to the recording mocks.
 */
export function noteOptionsOnRegistration(mocks: RecordingMocks): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, callback: unknown): unknown } | undefined;
    if (monitor === undefined) {
        throw new Error("@pulumi/pulumi set no mock monitor; update src/operations/plan/sdk-fence/sdk-internals.ts and run test/program/sdk-fence.test.ts");
    }
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
        const options: RegistrationOptions = {
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: req.getIgnorechangesList(),
            aliasNames: req.getAliasesList().map((alias) => alias.getSpec()?.getName() ?? ""),
            dependencies: req.getDependenciesList(),
        };
        mocks.noteOptions(req.getType(), req.getName(), options);
        return register(req, callback);
    };
}

/** The value of an output; rejects when a resource it comes from failed to register. */
export function resolveOutput<T>(output: pulumi.Output<T>): Promise<T> {
    // `promise()` is the SDK's own accessor (not in its typings); `apply` would never call back on a failure.
    const withPromise = output as unknown as { promise?: () => Promise<T> };
    if (typeof withPromise.promise !== "function") {
        throw new Error("@pulumi/pulumi Output no longer has promise(); update src/operations/plan/sdk-fence/sdk-internals.ts and run test/program/sdk-fence.test.ts");
    }
    return withPromise.promise();
}

/**
 * Resources not reachable from any output (the admin-consent grant) register after the outputs resolve.
 * The SDK's runtime exports `waitForRPCs` (marked internal in its typings) to drain that queue.
 */
export async function waitForRegistrations(): Promise<void> {
    const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    if (typeof runtime.waitForRPCs !== "function") {
        throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; update src/operations/plan/sdk-fence/sdk-internals.ts and run test/program/sdk-fence.test.ts");
    }
    await runtime.waitForRPCs();
}
