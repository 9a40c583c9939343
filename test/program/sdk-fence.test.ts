// What src/operations/plan/sdk-fence/ relies on in @pulumi/pulumi beyond its typed API. An SDK upgrade that
// changes any of it fails here, naming the installed version, before the plan or the tests mislead.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../../src/operations/plan/recording-mocks";
import { noteOptionsOnRegistration, resolveOutput, waitForRegistrations } from "../../src/operations/plan/sdk-fence/sdk-internals";

const SDK_VERSION = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
const UPGRADE = `@pulumi/pulumi ${SDK_VERSION} changed what src/operations/plan/sdk-fence/sdk-internals.ts relies on`;

/** A resource type the recording mocks model. */
function probe(name: string, options?: pulumi.CustomResourceOptions): azuread.Application {
    return new azuread.Application(name, { displayName: name }, options);
}

describe(`SDK internals the offline plan uses (@pulumi/pulumi ${SDK_VERSION})`, () => {
    it("hands each registration's options from the monitor request to the mocks", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, "fence", "dev", false, "organization");
        noteOptionsOnRegistration(mocks);
        const first = probe("first");
        probe("second", {
            deleteBeforeReplace: true, ignoreChanges: ["notes"], aliases: [{ name: "second-before" }], dependsOn: [first],
        });
        await waitForRegistrations();
        const second = mocks.registrations.find((r) => r.name === "second");
        assert.ok(second?.options !== undefined, UPGRADE);
        assert.equal(second.options.deleteBeforeReplace, true, UPGRADE);
        assert.deepEqual(second.options.ignoreChanges, ["notes"], UPGRADE);
        assert.deepEqual(second.options.aliasNames, ["second-before"], UPGRADE);
        assert.deepEqual(second.options.dependencies, [await resolveOutput(first.urn)], UPGRADE);
        assert.equal(mocks.registrations.find((r) => r.name === "first")?.options?.deleteBeforeReplace, false, UPGRADE);
    });

    it("resolves an output's value through promise()", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, "fence", "dev", false, "organization");
        noteOptionsOnRegistration(mocks);
        const kept = probe("kept");
        assert.equal(await resolveOutput(kept.urn), "urn:pulumi:dev::fence::azuread:index/application:Application::kept", UPGRADE);
    });

    it("waits for registrations no output reaches", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, "fence", "dev", false, "organization");
        noteOptionsOnRegistration(mocks);
        probe("unreferenced");
        await waitForRegistrations();
        assert.ok(mocks.registrations.some((r) => r.name === "unreferenced"), UPGRADE);
    });
});
