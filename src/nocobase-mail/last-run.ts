/**
 * What the stack's last successful `pulumi up` exported and the next run must know before it declares
 * anything: which client secret NocoBase holds (the rotation record) and which application the stack
 * manages (so a changed adoptApplicationObjectId is refused instead of swapping the application). Read
 * through one StackReference to the running stack itself; a stack never deployed has no outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseRotationRecord } from "../registration/rotation-record";
import type { RotationRecord } from "../registration/secret-rotation";

interface LastRun {
    /** Which slot NocoBase holds and what each slot holds; undefined for a new stack. */
    readonly rotation: RotationRecord | undefined;
    /** Object ID of the application the stack managed; undefined for a new stack. */
    readonly applicationObjectId: string | undefined;
    /** Names of every output the last run exported (none for a new stack). */
    readonly outputNames: readonly string[];
}

export async function readLastRun(resourceName: string, parent: pulumi.Resource): Promise<LastRun> {
    const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const reference = new pulumi.StackReference(resourceName, { name: self }, { parent });
    const outputs = await new Promise<Readonly<Record<string, unknown>>>((resolve) => reference.outputs.apply((all) => {
        resolve(all ?? {});
        return all;
    }));
    let rotation: RotationRecord | undefined;
    try {
        rotation = parseRotationRecord(outputs);
    } catch (err) {
        throw new pulumi.RunError(`Cannot tell which client secret NocoBase holds: ${(err as Error).message}, so no secret ` +
            "was touched.\nFix: restore the outputs of the last good update (pulumi stack history; pulumi stack export " +
            "--version <n> > good.json; pulumi stack import --file good.json) and run pulumi up again.");
    }
    const applicationObjectId = outputs.applicationObjectId;
    return {
        rotation,
        applicationObjectId: typeof applicationObjectId === "string" ? applicationObjectId : undefined,
        outputNames: Object.keys(outputs),
    };
}
