/**
 * What to set in each stack so the CI deployer stays an owner of the stack's application. The azuread
 * provider makes the owners match the stack exactly, adding whoever runs `pulumi up`: a person's run
 * would remove the deployer (and its next run would fail with 403) unless the stack lists it.
 */
import { CONFIG_NAMESPACE } from "../../configuration/config-keys";

/**
 * One line per stack (named like its GitHub environment). `configuredOwners` gives a stack's current
 * `owners` list, or undefined when its stack file is not here.
 */
export function stackOwnerLines(environments: readonly string[], deployerObjectId: string,
    configuredOwners: (stack: string) => readonly string[] | undefined): string[] {
    return environments.map((stack) => {
        const owners = configuredOwners(stack);
        if (owners?.some((o) => o.toLowerCase() === deployerObjectId.toLowerCase())) {
            return `# stack ${stack}: the deployer is already in ${CONFIG_NAMESPACE}:owners`;
        }
        const index = owners === undefined ? "<number of owners already listed>" : String(owners.length);
        return `pulumi config set --stack ${stack} --path '${CONFIG_NAMESPACE}:owners[${index}]' ${deployerObjectId}`;
    });
}
