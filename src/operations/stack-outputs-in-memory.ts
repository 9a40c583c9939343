/**
 * A stack's outputs read through Pulumi's Automation API (`stack.outputs()`, secrets decrypted) into
 * memory: what `doctor --stack`, `push-to-nocobase --stack`, `adopt --project` and the fleet use instead of
 * `pulumi stack output --json --show-secrets > file`, so that no secret is written to disk.
 */
import { LocalWorkspace, StackNotFoundError } from "@pulumi/pulumi/automation";
import { quoteForeign, redactForeignText } from "../redaction";
import { StackOutputsInputError, type StackOutputsText } from "./stack-outputs";

/** The outputs' plain values, or undefined when the backend has no such stack (never deployed). */
export async function readOutputValues(stack: string, projectDir: string): Promise<Record<string, unknown> | undefined> {
    let outputs;
    try {
        const selected = await LocalWorkspace.selectStack({ stackName: stack, workDir: projectDir });
        outputs = await selected.outputs();
    } catch (err) {
        if (err instanceof StackNotFoundError) {
            return undefined;
        }
        // The CLI's message names the backend and the cause; it carries no output value.
        throw new Error(`cannot read the outputs of stack ${quoteForeign(stack)} in ${quoteForeign(projectDir)}: ` +
            `${redactForeignText((err as Error).message, { maxLength: 400 })}. Fix: pulumi login to the stack's backend ` +
            "(PULUMI_BACKEND_URL) and set its secrets passphrase or provider, then run again.", { cause: err });
    }
    return Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output.value as unknown]));
}

/** The outputs as the text `parseStackOutputs` reads, held in memory; source "stack <name>". */
export async function readStackOutputsOfStack(stack: string, projectDir: string): Promise<StackOutputsText> {
    const values = await readOutputValues(stack, projectDir);
    if (values === undefined) {
        throw new StackOutputsInputError(`no stack ${quoteForeign(stack)} in the backend of ${quoteForeign(projectDir)}. ` +
            "Fix: pulumi stack ls lists the stacks there; deploy it first with pulumi up --stack <name>, or pass --project <dir>.");
    }
    return { source: `stack ${stack}`, json: JSON.stringify(values) };
}
