/**
 * What the rotation design takes from Pulumi's engine, run on the real CLI with resources that log every
 * provider call (programs/lifecycle.ts): the order of a delete-before-replace and of a
 * create-before-delete replacement relative to what depends on the replaced resource, retainOnDelete,
 * an alias, and which provider code `refresh` and `destroy` run after the code changed (pulumi/pulumi#6490).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import type { EngineStack, StackConfig } from "./engine-stack";
import { newStack } from "./engine-support";

const PROGRAM = path.join(__dirname, "programs", "lifecycle.ts");

describe("engine semantics the rotation relies on, on the real CLI", () => {
    let stack: EngineStack;
    let logFile: string;
    after(() => stack?.remove());

    const config = (values: { codeVersion: string; generationA: string; generationB: string; renamed?: boolean }): StackConfig => ({
        "engine:logFile": { value: logFile },
        "engine:codeVersion": { value: values.codeVersion },
        "engine:generationA": { value: values.generationA },
        "engine:generationB": { value: values.generationB },
        "engine:renamed": { value: String(values.renamed ?? false) },
    });
    /** The provider calls logged since the last call of this function, without timestamps. */
    let seen = 0;
    const newCalls = (): string[] => {
        const lines = fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l !== "");
        const fresh = lines.slice(seen).map((l) => l.slice(l.indexOf(" ") + 1));
        seen = lines.length;
        return fresh;
    };

    it("replaces a delete-before-replace slot by deleting first, and deletes a create-before-delete slot only after what reads it", async () => {
        stack = await newStack("lifecycle", PROGRAM);
        logFile = path.join(stack.dir, "provider-calls.log");
        fs.writeFileSync(logFile, "");
        const first = await stack.run("up", config({ codeVersion: "v1", generationA: "1", generationB: "1" }));
        assert.equal(first.ok, true, first.error);
        newCalls();

        const rotated = await stack.run("up", config({ codeVersion: "v1", generationA: "2", generationB: "2" }));
        assert.equal(rotated.ok, true, rotated.error);
        const calls = newCalls();
        const at = (call: string) => {
            const index = calls.indexOf(`${call} (code v1)`);
            assert.notEqual(index, -1, `${call} not in ${JSON.stringify(calls)}`);
            return index;
        };
        assert.ok(at("delete slot-a 1") < at("create slot-a 2"), "delete-before-replace: the old slot goes first");
        assert.ok(at("create slot-b 2") < at("update handover 2"), "the hand-over sees the new slot");
        assert.ok(at("update handover 2") < at("delete slot-b 1"), "create-before-delete: the old slot is deleted after the hand-over");
        assert.equal(calls.at(-1), "delete slot-b 1 (code v1)", "and only at the end of the update");
        assert.equal(rotated.changes.replace, 2);
    });

    it("keeps a renamed resource through its alias", async () => {
        const renamed = await stack.run("up", config({ codeVersion: "v1", generationA: "2", generationB: "2", renamed: true }));
        assert.equal(renamed.ok, true, renamed.error);
        assert.deepEqual(newCalls(), [], "no create, no delete");
        assert.equal(renamed.changes.create ?? 0, 0);
        assert.equal(renamed.changes.delete ?? 0, 0);
    });

    it("refresh and destroy run the provider code saved at the last update, not the program's current code", async () => {
        const refreshed = await stack.run("refresh", config({ codeVersion: "v2", generationA: "2", generationB: "2", renamed: true }));
        assert.equal(refreshed.ok, true, refreshed.error);
        const reads = newCalls();
        assert.ok(reads.length >= 5, JSON.stringify(reads));
        assert.ok(reads.every((l) => l.endsWith("(code v1)")), `refresh ran the saved code: ${JSON.stringify(reads)}`);
        assert.equal((await stack.outputs()).handoverCode, "v1");

        const destroyed = await stack.run("destroy", config({ codeVersion: "v2", generationA: "2", generationB: "2", renamed: true }));
        assert.equal(destroyed.ok, true, destroyed.error);
        const deletes = newCalls();
        assert.deepEqual([...deletes].sort(), [
            "delete handover 2 (code v1)", "delete kept 1 (code v1)", "delete slot-a 2 (code v1)", "delete slot-b 2 (code v1)",
        ], "retainOnDelete: the retained resource is not deleted; the others by the saved code");
    });
});
