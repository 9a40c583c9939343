// One NocobaseMail per stack: a second component in the same stack is refused before any Entra or NocoBase
// resource is declared, because both would read back the one secretRotation record of the stack.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";

interface Outcome { readonly settled: string[]; readonly registrations: string[] }

function declare(names: readonly string[]): Outcome {
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "two-components-child.ts"), JSON.stringify(names)], {
        encoding: "utf8", timeout: 60_000,
    });
    assert.ok(child.stdout !== "", `child printed nothing; stderr: ${child.stderr}`);
    return JSON.parse(child.stdout) as Outcome;
}

describe("program: NocobaseMail components per stack", () => {
    it("declares one component's registration and secrets", () => {
        const one = declare(["customer-a"]);
        assert.deepEqual(one.settled, ["ok"]);
        assert.ok(one.registrations.includes("azuread:index/application:Application customer-a-application"), one.registrations.join("\n"));
    });

    it("refuses a second component in the same stack, naming both, why, and the fix, before anything is declared", () => {
        const two = declare(["customer-a", "customer-b"]);
        assert.equal(two.settled.length, 2);
        for (const [i, settled] of two.settled.entries()) {
            const [self, other] = i === 0 ? ["customer-a", "customer-b"] : ["customer-b", "customer-a"];
            assert.match(settled, new RegExp(`^RunError: NocobaseMail "${self}" is not the only one in this stack \\(also "${other}"\\)\\. A stack holds one`));
            assert.match(settled, /from the stack outputs secretRotation and applicationObjectId, which hold one value per stack/);
            assert.match(settled, /Nothing was created or changed\.\n {4}Fix: declare one NocobaseMail per stack; .*pulumi stack init <name>\.$/);
        }
        // Only the components and their reads of the stack's last outputs: no Entra or NocoBase resource.
        assert.deepEqual(two.registrations.map((r) => r.split(" ")[0]).sort(), [
            "nocobase-entra-mail:index:NocobaseMail", "nocobase-entra-mail:index:NocobaseMail",
            "pulumi:pulumi:StackReference", "pulumi:pulumi:StackReference",
        ]);
    });
});
