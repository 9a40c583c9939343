/** `nocobase-entra-mail bootstrap-deployer`: creates or completes the GitHub Actions deployer identity. */
import { createDefaultCredential } from "../../microsoft/credentials";
import { resolveMicrosoftEndpoints } from "../../microsoft/endpoints";
import { GraphClient } from "../../microsoft/graph-client";
import { MicrosoftServiceError } from "../../microsoft/service-error";
import { defineCommand, EXIT_FAILED, EXIT_OK, readInput, type CommandIo } from "../command-line";
import { listStacks, readStackFile } from "../plan/stack-file";
import { bootstrapDeployer, renderBootstrapResult } from "./bootstrap-deployer";
import { BOOTSTRAP_DESCRIPTION, BOOTSTRAP_SYNOPSIS, parseBootstrapArguments, type BootstrapArguments } from "./deployer-permissions";
import { stackOwnerLines } from "./stack-owners";

/** A stack's `owners` from its file in stacks/, or undefined when this checkout has no such stack. */
function configuredOwners(stack: string): string[] | undefined {
    if (!listStacks().includes(stack)) {
        return undefined;
    }
    const owners = readStackFile(stack).config.owners;
    const parsed: unknown = owners === undefined ? [] : JSON.parse(owners);
    return Array.isArray(parsed) ? parsed.filter((o): o is string => typeof o === "string") : [];
}

async function runBootstrap(args: BootstrapArguments, io: CommandIo): Promise<number> {
    const endpoints = readInput(() => resolveMicrosoftEndpoints(io.env));
    const graph = new GraphClient({ credential: createDefaultCredential(endpoints, args.tenantId, io.env), endpoints, tenantId: args.tenantId });
    try {
        const result = await bootstrapDeployer(graph, args);
        const ownerLines = stackOwnerLines(args.environments, result.servicePrincipalObjectId, configuredOwners);
        io.stdout(args.json ? JSON.stringify({ ...result, ownerConfig: ownerLines }, null, 2) + "\n"
            : renderBootstrapResult(result, args, ownerLines));
        return EXIT_OK;
    } catch (err) {
        if (!(err instanceof MicrosoftServiceError)) {
            throw err;
        }
        // The message ends in its fix and is printed whole; only after that fix does running again help.
        io.stderr(`bootstrap-deployer: ${err.message}\n` +
            "Nothing is lost: after that fix, run the same command again; it completes what is missing.\n");
        return EXIT_FAILED;
    }
}

export const bootstrapCommand = defineCommand({
    name: "bootstrap-deployer",
    summary: "create or complete the identity GitHub Actions deploys with (run once by an administrator)",
    synopsis: BOOTSTRAP_SYNOPSIS,
    description: BOOTSTRAP_DESCRIPTION,
    exits: { ok: "done", failed: "a Microsoft call failed (sign-in failures included; fix it, then run again to complete)" },
    parse: parseBootstrapArguments,
    run: runBootstrap,
});
