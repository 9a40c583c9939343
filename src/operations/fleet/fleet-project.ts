/**
 * The Pulumi project a fleet runs: its name, its program and where its stack files are, read from
 * Pulumi.yaml the way the CLI does (`main` relative to the project, `stackConfigDir` default ".").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { listStacks } from "../plan/stack-file";
import { quoteForeign } from "../../redaction";
import { UsageError } from "../command-line";

export interface FleetProject {
    /** Absolute folder holding Pulumi.yaml. */
    readonly dir: string;
    readonly name: string;
    /** Absolute path of the program module. */
    readonly main: string;
    /** Absolute folder of the `Pulumi.<stack>.yaml` files. */
    readonly stacksDir: string;
}

export function readFleetProject(dir: string): FleetProject {
    const root = path.resolve(dir);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
    if (file === undefined) {
        throw new UsageError(`--project ${quoteForeign(dir)}: no Pulumi.yaml there. Fix: pass the folder of a Pulumi project (default: the current folder).`);
    }
    const settings = parse(fs.readFileSync(file, "utf8")) as { name?: unknown; main?: unknown; stackConfigDir?: unknown } | null;
    if (typeof settings?.name !== "string" || settings.name === "") {
        throw new UsageError(`${file}: no project name. Fix: add "name: <project>" to it.`);
    }
    const mainSetting = typeof settings.main === "string" && settings.main !== "" ? settings.main : undefined;
    const main = path.resolve(root, mainSetting ?? (fs.existsSync(path.join(root, "index.ts")) ? "index.ts" : "index.js"));
    if (!fs.existsSync(main)) {
        throw new UsageError(`${file}: its program ${quoteForeign(main)} does not exist. Fix: set "main" in it to the program's file.`);
    }
    const stacksDir = path.resolve(root, typeof settings.stackConfigDir === "string" ? settings.stackConfigDir : ".");
    return { dir: root, name: settings.name, main, stacksDir };
}

/** Stacks that have a stack file in the project: the fleet. */
export function projectStacks(project: FleetProject): string[] {
    return fs.existsSync(project.stacksDir) ? listStacks(project.stacksDir) : [];
}
