/** Command-line arguments of `nocobase-entra-mail adopt`, parsed by the shared command-line parser, without side effects. */
import * as path from "node:path";
import { isGuid } from "../../registration/graph-identifiers";
import { quoteForeign } from "../../redaction";
import { parseCommandLine, UsageError, wholeNumber } from "../command-line";
import { KEEP_CHOICES, type KeepChoice } from "./stack-file-update";

export const ADOPT_SYNOPSIS = "--stack <name> --object-id <GUID> [options]";

export const ADOPT_DESCRIPTION = `Reads a registration made by hand from Microsoft Graph and shows what the stack's first
\`pulumi up\` would keep, add, change and remove. Nothing in Entra is changed.

Options:
  --stack <name>           stack whose file stacks/Pulumi.<name>.yaml is compared (required)
  --object-id <GUID>       Object ID from the registration's Overview page (required)
  --write                  set adoptApplicationObjectId in the stack file and carry over the owners
                           and what --keep names, then compare again
  --keep <list>            with --write, besides the owners: comma-separated ${KEEP_CHOICES.join(", ")},
                           "all" (default) or "none"
  --deployer <GUID>        object ID of the identity that runs pulumi up, when it is not the one
                           signed in here (its rights to update the application are then not known)
  --json                   machine-readable output
  --stacks-dir <dir>       where the stack files are (default: stacks in the current directory)
  --project <dir>          also read the stack's outputs from Pulumi (Automation API, in memory) and
                           refuse an --object-id other than the application the stack already manages
  --timeout-seconds <n>    time limit of each call to Microsoft (default 30)
  -h, --help               this help

Credentials: DefaultAzureCredential (environment, workload identity, managed identity, az login).
Endpoints: AZURE_AUTHORITY_HOST and GRAPH_BASE_URL override Microsoft's public cloud.
`;

export interface AdoptArguments {
    readonly help: boolean;
    readonly stack: string;
    readonly objectId: string;
    readonly write: boolean;
    readonly keep: ReadonlySet<KeepChoice>;
    readonly deployer: string | undefined;
    readonly json: boolean;
    readonly stacksDir: string | undefined;
    /** The Pulumi project whose stack's outputs are read; undefined: outputs are not read. */
    readonly projectDir: string | undefined;
    readonly timeoutSeconds: number;
}

function parseKeep(value: string | undefined): Set<KeepChoice> {
    if (value === undefined || value === "all") {
        return new Set(KEEP_CHOICES);
    }
    if (value === "none") {
        return new Set();
    }
    const parts = value.split(",").map((p) => p.trim());
    const unknown = parts.filter((p) => !(KEEP_CHOICES as readonly string[]).includes(p));
    if (unknown.length > 0) {
        throw new UsageError(`--keep: unknown ${unknown.map((u) => quoteForeign(u)).join(", ")}; use ${KEEP_CHOICES.join(", ")}, all or none.`);
    }
    return new Set(parts as KeepChoice[]);
}

/** Throws an Error whose message says what is wrong (the caller prints it with the usage, exit 2). */
export function parseAdoptArguments(argv: readonly string[]): AdoptArguments {
    const { values } = parseCommandLine(argv, {
        stack: { type: "string" },
        "object-id": { type: "string" },
        write: { type: "boolean", default: false },
        keep: { type: "string" },
        deployer: { type: "string" },
        json: { type: "boolean", default: false },
        "stacks-dir": { type: "string" },
        project: { type: "string" },
        "timeout-seconds": { type: "string" },
    }, false);
    const help = values.help === true;
    const objectId = values["object-id"] ?? "";
    if (!help) {
        if (values.stack === undefined || values.stack === "") {
            throw new UsageError("--stack is required.");
        }
        if (!isGuid(objectId)) {
            throw new UsageError(`--object-id needs the application's Object ID (a GUID), got ${objectId === "" ? "nothing" : quoteForeign(objectId)}.`);
        }
        if (values.deployer !== undefined && !isGuid(values.deployer)) {
            throw new UsageError(`--deployer needs an object ID (a GUID), got ${quoteForeign(values.deployer)}.`);
        }
        if (values.keep !== undefined && !values.write) {
            throw new UsageError("--keep applies only with --write.");
        }
    }
    const timeoutSeconds = wholeNumber("--timeout-seconds", values["timeout-seconds"], 1, 600) ?? 30;
    return {
        help,
        stack: values.stack ?? "",
        objectId: objectId.toLowerCase(),
        write: values.write === true,
        keep: parseKeep(values.keep),
        deployer: values.deployer?.toLowerCase(),
        json: values.json === true,
        stacksDir: values["stacks-dir"],
        projectDir: values.project === undefined ? undefined : path.resolve(values.project),
        timeoutSeconds,
    };
}
