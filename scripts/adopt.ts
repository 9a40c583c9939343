// Adoption preflight: `npm run adopt -- --stack <name> --object-id <GUID> [--write] [--json]`. See ADOPT_USAGE.
import { EXIT_OK, EXIT_USAGE } from "../src/operations/command-line";
import { ADOPT_USAGE, parseAdoptArguments, type AdoptArguments } from "../src/operations/adoption/adopt-arguments";
import { runPreflight } from "../src/operations/adoption/adoption-preflight";
import { identityFromAccessToken } from "../src/operations/adoption/deployer-identity";
import { createDefaultCredential } from "../src/microsoft/credentials";
import { resolveMicrosoftEndpoints, type MicrosoftEndpoints } from "../src/microsoft/endpoints";
import { GraphClient } from "../src/microsoft/graph-client";
import { identityFailure } from "../src/microsoft/identity-errors";
import { redactForeignText } from "../src/redaction";
import { readOutputValues } from "../src/operations/stack-outputs-in-memory";

async function main(): Promise<number> {
    let args: AdoptArguments;
    let endpoints: MicrosoftEndpoints;
    try {
        args = parseAdoptArguments(process.argv.slice(2));
        if (args.help) {
            process.stdout.write(ADOPT_USAGE);
            return EXIT_OK;
        }
        endpoints = resolveMicrosoftEndpoints();
    } catch (err) {
        process.stderr.write(`adopt: ${(err as Error).message}\n\n${ADOPT_USAGE}`);
        return EXIT_USAGE;
    }
    const credential = createDefaultCredential(endpoints, process.env.AZURE_TENANT_ID);
    const timeoutMs = args.timeoutSeconds * 1000;
    const projectDir = args.projectDir;
    const outcome = await runPreflight(args, {
        ...(projectDir === undefined ? {} : {
            async managedApplicationObjectId() {
                const managed = (await readOutputValues(args.stack, projectDir))?.applicationObjectId;
                return typeof managed === "string" ? managed : undefined;
            },
        }),
        graph: new GraphClient({ credential, endpoints, timeoutMs }),
        async signedInIdentity() {
            try {
                const token = await credential.getToken(endpoints.graphScope, { abortSignal: AbortSignal.timeout(timeoutMs) });
                return token ? identityFromAccessToken(token.token) : undefined;
            } catch (err) {
                throw identityFailure(err, "get a Microsoft Graph token to learn who deploys");
            }
        },
    });
    process.stdout.write(outcome.output);
    if (outcome.error !== undefined) {
        process.stderr.write(`adopt: ${outcome.error}\n`);
    }
    return outcome.exitCode;
}

main().then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`adopt: unexpected failure: ${redactForeignText((err as Error).message)}\n`);
    process.exitCode = EXIT_USAGE;
});
