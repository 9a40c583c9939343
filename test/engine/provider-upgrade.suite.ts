/**
 * The move from the dynamic provider to the package's own provider plugin, on the real engine with the real
 * NocoBase: a stack deployed by the release that still had the dynamic `NocobaseMailVariables` (its code
 * taken from git, not a model of it), then `up` with today's code, which aliases the old type and adopts its
 * state without a request that changes NocoBase; then `refresh` and `destroy` with a second build of the
 * plugin installed and no `up` in between, which run that build (the dynamic provider ran the code saved
 * at the last update: lifecycle.suite.ts).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { keyIdRecordName } from "../../src/nocobase/handover";
import { LEGACY_VARIABLES_TYPE, VARIABLES_TYPE } from "../../src/nocobase/variables";
import { startFaultProxy } from "../nocobase/fault-proxy";
import { assertNoCredentials, storedVariable } from "../nocobase/support";
import type { EngineStack } from "./engine-stack";
import { handoverConfig, handoverTarget, HANDOVER_PROGRAM, newStack } from "./engine-support";

const ROOT = path.resolve(__dirname, "../..");
/** The last commit whose hand-over is the dynamic provider: what existing stacks were deployed with. */
const DYNAMIC_PROVIDER_RELEASE = "6beb28cba6fc3d5d60e4bc69696ece92dd5f6961";

/** Files of `commit` extracted into a new folder that resolves this repository's node_modules. */
function checkout(commit: string, paths: readonly string[], label: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
    const archive = execFileSync("git", ["archive", "--format=tar", commit, ...paths], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** A second build of today's plugin whose read and delete also log to `logFile`: the code change to look for. */
function secondBuild(logFile: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-build-2-"));
    for (const entry of ["src", "bin", "package.json"]) {
        fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    const file = path.join(dir, "src", "nocobase", "variables-provider.ts");
    let code = fs.readFileSync(file, "utf8");
    const log = (call: string) => `require("node:fs").appendFileSync(${JSON.stringify(logFile)}, ${JSON.stringify(`build 2: ${call}\n`)});`;
    for (const [anchor, call] of [
        ["async read(id: string, props?: MailVariablesOutputs): Promise<{ id: string; props: MailVariablesOutputs }> {", "read"],
        ["async delete(_id: string, props: MailVariablesOutputs): Promise<void> {", "delete"],
    ]) {
        assert.ok(code.includes(anchor), `the second build's patch point is gone: ${anchor}`);
        code = code.replace(anchor, `${anchor}\n            ${log(call)}`);
    }
    fs.writeFileSync(file, code);
    return path.join(dir, "bin");
}

interface ExportedResource {
    readonly urn: string;
    readonly type: string;
    readonly outputs?: Record<string, unknown>;
}

async function exportedResources(stack: EngineStack): Promise<ExportedResource[]> {
    const { stdout, stderr, code } = await stack.cli(["stack", "export"]);
    assert.equal(code, 0, stderr);
    return (JSON.parse(stdout) as { deployment: { resources?: ExportedResource[] } }).deployment.resources ?? [];
}

const isWrite = (action: string) => !/^(environmentVariables:list|app:getInfo)\b/.test(action);

describe("from the dynamic provider to the package's provider plugin, on the real engine", () => {
    const cleanup: (() => void | Promise<void>)[] = [];
    after(async () => {
        for (const step of cleanup.reverse()) {
            await step();
        }
    });

    let stack: EngineStack;
    let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
    let config: ReturnType<typeof handoverConfig>;
    let variableNames: { clientIdVariable: string; clientSecretVariable: string; clientId: string; keyId: string };
    const planted: string[] = [];

    it("adopts the state of a stack deployed by the dynamic provider: no delete, no write, then no changes", async () => {
        const release = checkout(DYNAMIC_PROVIDER_RELEASE, ["src", "test/engine/programs"], "release-dynamic");
        cleanup.push(() => fs.rmSync(release, { recursive: true, force: true }));
        stack = await newStack("upgrade", path.join(release, "test", "engine", "programs", "handover.ts"));
        cleanup.push(() => stack.remove());
        const seeded = handoverTarget("engineupgrade");
        proxy = await startFaultProxy(seeded.target.apiUrl, () => undefined);
        cleanup.push(() => proxy.close());
        const target = { ...seeded.target, apiUrl: proxy.apiUrl };
        planted.push(seeded.secret.clientSecret);
        variableNames = { ...target, keyId: seeded.secret.clientSecretKeyId };
        config = handoverConfig(target, seeded.secret, "a");

        const released = await stack.run("up", config);
        assert.equal(released.ok, true, released.error);
        assert.ok((await exportedResources(stack)).some((r) => r.type === LEGACY_VARIABLES_TYPE), "the release declared the dynamic resource");
        assert.equal((await storedVariable(keyIdRecordName(target.clientSecretVariable)))?.value, seeded.secret.clientSecretKeyId);

        stack.program = HANDOVER_PROGRAM;
        const before = proxy.requests.length;
        const upgraded = await stack.run("up", config);
        assert.equal(upgraded.ok, true, upgraded.error);
        const actions = proxy.requests.slice(before).map((r) => r.action);
        console.log(`engine: upgrade up, changes=${JSON.stringify(upgraded.changes)}, NocoBase requests=${JSON.stringify(actions)}`);
        assert.deepEqual(actions.filter(isWrite), [], "NocoBase is not written: neither a delete nor a second hand-over");
        assert.equal(upgraded.changes.create ?? 0, 0);
        assert.equal(upgraded.changes.delete ?? 0, 0);
        assert.equal(upgraded.changes.replace ?? 0, 0);

        const resources = await exportedResources(stack);
        assert.deepEqual(resources.filter((r) => r.type === LEGACY_VARIABLES_TYPE), [], "no dynamic resource is left");
        const adopted = resources.filter((r) => r.type === VARIABLES_TYPE);
        assert.equal(adopted.length, 1);
        assert.equal(adopted[0].outputs?.clientSecretKeyId, seeded.secret.clientSecretKeyId, "the old state was adopted");
        assert.ok(!resources.some((r) => r.type === "pulumi:providers:pulumi-nodejs"), "the dynamic provider's resource is gone");
        assert.equal((await storedVariable(target.clientIdVariable))?.value, target.clientId);
        assert.equal((await storedVariable(keyIdRecordName(target.clientSecretVariable)))?.value, seeded.secret.clientSecretKeyId);

        const preview = await stack.run("preview", config, { expectNoChanges: true });
        assert.equal(preview.ok, true, preview.error);
        assertNoCredentials(released.output + upgraded.output + preview.output, planted);
    });

    it("refresh and destroy run the plugin build installed now, with no up in between", async () => {
        const logFile = path.join(stack.dir, "build-2.log");
        fs.writeFileSync(logFile, "");
        stack.pluginBin = secondBuild(logFile);
        cleanup.push(() => fs.rmSync(path.dirname(stack.pluginBin), { recursive: true, force: true }));

        const refreshed = await stack.run("refresh", config);
        assert.equal(refreshed.ok, true, refreshed.error);
        assert.deepEqual(fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l !== ""), ["build 2: read"]);
        const refreshedState = (await exportedResources(stack)).find((r) => r.type === VARIABLES_TYPE);
        assert.equal(refreshedState?.outputs?.__provider, undefined, "refresh leaves none of the dynamic provider's code in the state");
        assert.equal(refreshedState?.outputs?.clientSecretKeyId, variableNames.keyId, "NocoBase holds the recorded secret");

        const destroyed = await stack.run("destroy", config);
        assert.equal(destroyed.ok, true, destroyed.error);
        assert.deepEqual(fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l !== ""), ["build 2: read", "build 2: delete"]);
        for (const name of [variableNames.clientIdVariable, variableNames.clientSecretVariable, keyIdRecordName(variableNames.clientSecretVariable)]) {
            assert.equal(await storedVariable(name), undefined, `${name} was removed by destroy`);
        }
        assertNoCredentials(refreshed.output + destroyed.output, planted);
    });
});
