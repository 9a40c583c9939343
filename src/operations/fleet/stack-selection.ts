/**
 * Which stacks a fleet command runs: all of the project's stack files, or those matching the names and
 * globs given (`*`, `?`, `[abc]`), or the names in a list file. Unknown names are refused before any
 * stack runs, so a typo never silently shrinks the fleet.
 */
import * as fs from "node:fs";
import { quoteForeign } from "../../redaction";
import { UsageError } from "../command-line";

/** A stack-name glob as a regular expression over the whole name. */
export function globPattern(glob: string): RegExp {
    let source = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*") {
            source += ".*";
        } else if (c === "?") {
            source += ".";
        } else if (c === "[") {
            const end = glob.indexOf("]", i + 1);
            if (end < 0) {
                throw new UsageError(`stack pattern ${quoteForeign(glob)}: "[" without "]". Fix: close the set, e.g. "cust-[ab]*".`);
            }
            const set = glob.slice(i + 1, end).replace(/^!/, "^").replace(/[\\\]]/g, "\\$&");
            source += `[${set}]`;
            i = end;
        } else {
            source += c.replace(/[.+^${}()|\\]/g, "\\$&");
        }
    }
    return new RegExp(`^${source}$`);
}

/** Names from a list file: one per line; blank lines and `#` comments are skipped. */
export function readStackList(file: string): string[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new UsageError(`--list ${quoteForeign(file)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? "error"}).`, { cause: err });
    }
    return text.split("\n").map((line) => line.replace(/#.*/, "").trim()).filter((line) => line !== "");
}

/**
 * The selected stacks in the project's order (sorted, duplicates dropped). `patterns` empty: every stack.
 * A pattern that matches nothing is a usage error naming the stacks there are.
 */
export function selectStacks(available: readonly string[], patterns: readonly string[]): string[] {
    if (available.length === 0) {
        throw new UsageError("the project has no stack files (Pulumi.<stack>.yaml in its stackConfigDir). Fix: pulumi stack init <name>, or pass --project <dir>.");
    }
    if (patterns.length === 0) {
        return [...available];
    }
    const selected = new Set<string>();
    for (const pattern of patterns) {
        const re = globPattern(pattern);
        const matches = available.filter((name) => re.test(name));
        if (matches.length === 0) {
            const known = available.slice(0, 10).join(", ") + (available.length > 10 ? `, … (${available.length} in all)` : "");
            throw new UsageError(`no stack matches ${quoteForeign(pattern)}; the project's stacks: ${known}. Fix: correct the name, or create the stack file with pulumi stack init.`);
        }
        matches.forEach((name) => selected.add(name));
    }
    return available.filter((name) => selected.has(name));
}
