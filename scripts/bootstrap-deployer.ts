/**
 * npm run bootstrap-deployer -- --repository <owner>/<repo> --environment <env> [--admin-consent]
 * Creates or completes the GitHub Actions deployer identity. See BOOTSTRAP_USAGE.
 */
import { bootstrapDeployer, renderBootstrapResult } from "../src/operations/bootstrap/bootstrap-deployer";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "../src/operations/command-line";
import { BOOTSTRAP_USAGE, parseBootstrapArguments, type BootstrapArguments } from "../src/operations/bootstrap/deployer-permissions";
import { stackOwnerLines } from "../src/operations/bootstrap/stack-owners";
import { listStacks, readStackFile } from "../src/operations/plan/stack-file";
import { createDefaultCredential } from "../src/microsoft/credentials";
import { resolveMicrosoftEndpoints, type MicrosoftEndpoints } from "../src/microsoft/endpoints";
import { GraphClient } from "../src/microsoft/graph-client";
import { MicrosoftServiceError } from "../src/microsoft/service-error";
import { redactForeignText } from "../src/redaction";

/** A stack's `owners` from its file in stacks/, or undefined when this checkout has no such stack. */
function configuredOwners(stack: string): string[] | undefined {
    if (!listStacks().includes(stack)) {
        return undefined;
    }
    const owners = readStackFile(stack).config.owners;
    const parsed: unknown = owners === undefined ? [] : JSON.parse(owners);
    return Array.isArray(parsed) ? parsed.filter((o): o is string => typeof o === "string") : [];
}

async function main(): Promise<number> {
    let args: BootstrapArguments;
    let endpoints: MicrosoftEndpoints;
    try {
        args = parseBootstrapArguments(process.argv.slice(2), process.env);
        if (args.help) {
            process.stdout.write(BOOTSTRAP_USAGE);
            return EXIT_OK;
        }
        endpoints = resolveMicrosoftEndpoints();
    } catch (err) {
        process.stderr.write(`bootstrap-deployer: ${(err as Error).message}\n\n${BOOTSTRAP_USAGE}`);
        return EXIT_USAGE;
    }
    const graph = new GraphClient({ credential: createDefaultCredential(endpoints, args.tenantId), endpoints, tenantId: args.tenantId });
    try {
        const result = await bootstrapDeployer(graph, args);
        const ownerLines = stackOwnerLines(args.environments, result.servicePrincipalObjectId, configuredOwners);
        process.stdout.write(args.json ? JSON.stringify({ ...result, ownerConfig: ownerLines }, null, 2) + "\n"
            : renderBootstrapResult(result, args, ownerLines));
        return EXIT_OK;
    } catch (err) {
        const known = err instanceof MicrosoftServiceError;
        process.stderr.write(`bootstrap-deployer: ${known ? "" : "unexpected failure: "}${redactForeignText((err as Error).message)}\n` +
            "Nothing is lost: run the same command again to complete what is missing.\n");
        return EXIT_FAILED;
    }
}

main().then((code) => {
    process.exitCode = code;
}, (err: unknown) => {
    process.stderr.write(`bootstrap-deployer: unexpected failure: ${redactForeignText((err as Error).message)}\n`);
    process.exitCode = EXIT_FAILED;
});
