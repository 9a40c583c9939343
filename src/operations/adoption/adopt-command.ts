/** `nocobase-entra-mail adopt`: what the first `pulumi up` would do to a registration made by hand. */
import { createDefaultCredential } from "../../microsoft/credentials";
import { resolveMicrosoftEndpoints } from "../../microsoft/endpoints";
import { GraphClient } from "../../microsoft/graph-client";
import { defineCommand, readInput, type CommandIo } from "../command-line";
import { ADOPT_DESCRIPTION, ADOPT_SYNOPSIS, parseAdoptArguments, type AdoptArguments } from "./adopt-arguments";
import { runPreflight } from "./adoption-preflight";
import { readSignedInIdentity } from "./deployer-identity";
import { readOutputValues } from "../stack-outputs-in-memory";

async function runAdopt(args: AdoptArguments, io: CommandIo): Promise<number> {
    const endpoints = readInput(() => resolveMicrosoftEndpoints(io.env));
    const credential = createDefaultCredential(endpoints, io.env.AZURE_TENANT_ID, io.env);
    const timeoutMs = args.timeoutSeconds * 1000;
    const projectDir = args.projectDir;
    const graph = new GraphClient({ credential, endpoints, timeoutMs });
    const outcome = await runPreflight(args, {
        ...(projectDir === undefined ? {} : {
            async managedApplicationObjectId() {
                const managed = (await readOutputValues(args.stack, projectDir))?.applicationObjectId;
                return typeof managed === "string" ? managed : undefined;
            },
        }),
        graph,
        signedInIdentity: () => readSignedInIdentity(graph, io.env.AZURE_CLIENT_ID),
    });
    io.stdout(outcome.output);
    if (outcome.error !== undefined) {
        io.stderr(`adopt: ${outcome.error}\n`);
    }
    return outcome.exitCode;
}

export const adoptCommand = defineCommand({
    name: "adopt",
    summary: "compare a registration made by hand with a stack file before its first pulumi up",
    synopsis: ADOPT_SYNOPSIS,
    description: ADOPT_DESCRIPTION,
    exits: {
        ok: "nothing would be lost",
        failed: "something would be lost or pulumi up would fail (each with its fix), or Microsoft could not be asked (sign-in failures included)",
    },
    parse: (argv) => parseAdoptArguments(argv),
    run: runAdopt,
});
