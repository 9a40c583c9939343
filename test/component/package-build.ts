// The package as `npm pack` ships it, built from this checkout into a temporary directory: never into this
// checkout's dist/, which another test process may be building at the same time, or which may be stale.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "./component-provider";

interface PackageFiles {
    readonly files: readonly string[];
}

/** A copy of what package.json's `files` names (plus what npm always ships), with dist/ compiled. */
export function buildPackage(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nocobase-entra-mail-package-"));
    const { files } = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as PackageFiles;
    for (const entry of [...files.filter((f) => f !== "dist/"), "package.json", "LICENSE", "README.md", "tsconfig.build.json"]) {
        fs.cpSync(path.join(PACKAGE_ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    // The compiler's types (@types/node, the SDKs) come from this checkout's dependencies.
    fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(dir, "node_modules"));
    const tsc = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
    const build = spawnSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.build.json")], { encoding: "utf8", timeout: 180_000 });
    assert.equal(build.status, 0, `npm run build failed: ${build.stdout}${build.stderr}`);
    return dir;
}

/** The tarball `npm pack` makes of a built package (its prepack build already done by `buildPackage`). */
export function packPackage(dir: string, destination: string): string {
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", destination], {
        cwd: dir, encoding: "utf8", timeout: 120_000,
    });
    assert.equal(pack.status, 0, `npm pack failed: ${pack.stderr}`);
    const [{ filename }] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
    return path.join(destination, filename);
}
