/**
 * The real Pulumi toolchain the engine suite runs, built by test/engine/setup.sh from the Go module proxy.
 * Running the setup again is cheap when everything is cached (it only asks the proxy about the modules it
 * refuses), and it keeps the versions and refusals printed in every test run.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const SETUP = path.join(__dirname, "setup.sh");

export interface EngineToolchain {
    /** Folder whose bin/ holds pulumi, pulumi-language-yaml and the sdk's plugin scripts. */
    readonly root: string;
    readonly bin: string;
    /** `pulumi version` of the built CLI, e.g. v3.274.1. */
    readonly pulumiVersion: string;
    /** What the Go module proxy answered for each module the issue asks for that is not built, one per line. */
    readonly proxyAnswers: readonly string[];
}

let cached: Promise<EngineToolchain> | undefined;

export function engineToolchain(): Promise<EngineToolchain> {
    cached ??= (async () => {
        let stdout: string;
        try {
            ({ stdout } = await promisify(execFile)("bash", [SETUP], { maxBuffer: 16 * 1024 * 1024, timeout: 60 * 60_000 }));
        } catch (err) {
            throw new Error(`The engine toolchain is not built (bash test/engine/setup.sh failed): ${(err as Error).message}`, { cause: err });
        }
        const root = stdout.trim().split("\n").at(-1) ?? "";
        const bin = path.join(root, "bin");
        const { stdout: version } = await promisify(execFile)(path.join(bin, "pulumi"), ["version"]);
        const proxyAnswers = fs.readFileSync(path.join(root, "refusals.txt"), "utf8").split("\n").filter((l) => l !== "");
        return { root, bin, pulumiVersion: version.trim(), proxyAnswers };
    })();
    return cached;
}
