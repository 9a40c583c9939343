/**
 * The rule that keeps a stack on the registration it manages: once a `pulumi up` recorded the
 * application's object ID in the stack's outputs, `adoptApplicationObjectId` may be removed or repeat
 * that ID, but not name another application. Pulumi would otherwise drop the managed application from
 * the stack (or delete it, if it was not adopted) and import the other one.
 */
import { CONFIG_NAMESPACE } from "../configuration/config-keys";
import { FixAudience, renderChanges } from "../configuration/settings";

/** The refusal, or undefined when the configured adoption agrees with what the stack manages; fixes name `stack`. */
export function adoptionChangeProblem(stack: string, managedObjectId: string | undefined, configuredObjectId: string | undefined,
    audience: FixAudience = { kind: "stack" }): string | undefined {
    if (managedObjectId === undefined || managedObjectId === "" || configuredObjectId === undefined
        || managedObjectId.toLowerCase() === configuredObjectId.toLowerCase()) {
        return undefined;
    }
    const key = "adoptApplicationObjectId";
    const named = audience.kind === "stack" ? `${CONFIG_NAMESPACE}:${key}` : `NocobaseMail "${audience.name}" input ${key}`;
    return `${named} is "${configuredObjectId}", but this stack already manages application ${managedObjectId} ` +
        "(its last applicationObjectId output); importing another application would take that one out of the stack. " +
        "Nothing was created or changed.\n" +
        `    Fix: ${renderChanges(audience, stack, [{ key }])} (the stack keeps managing ${managedObjectId}), or ` +
        `${renderChanges(audience, stack, [{ key, value: managedObjectId }])}. To manage the other registration, use a new stack: ` +
        "pulumi stack init <name> and nocobase-entra-mail adopt --stack <name> --object-id " + configuredObjectId;
}
