/**
 * `nocobase-entra-mail plan`: evaluates the real program against a stack file under Pulumi's mocks and
 * prints what `pulumi up` would declare; with --outputs (the stack's `pulumi stack output --json`) it
 * starts from that stack's rotation state.
 */
import * as pulumi from "@pulumi/pulumi";
import { quoteForeign } from "../../redaction";
import { emailSettingsChoice } from "../../registration/pasted-secret";
import { parseRotationRecord } from "../../registration/rotation-record";
import { defineCommand, EXIT_FAILED, EXIT_OK, UnusableInputError, type CommandIo } from "../command-line";
import { readStackOutputsText } from "../stack-outputs";
import { PLAN_DESCRIPTION, PLAN_SYNOPSIS, parsePlanArguments, type PlanArguments } from "./plan-arguments";
import { renderPlan } from "./plan-report";
import { ProgramFailure, runProgram } from "./program-runner";
import { readStackFile } from "./stack-file";

/** The stack outputs in a file; never quotes its content, which may hold a secret. */
function outputsObject(json: string, file: string): Record<string, unknown> {
    try {
        const parsed = JSON.parse(json) as unknown;
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
            return parsed as Record<string, unknown>;
        }
    } catch {
        // Reported below without the file's content.
    }
    throw new UnusableInputError(`--outputs ${quoteForeign(file)} is not a JSON object of stack outputs; make it with: ` +
        "pulumi stack output --json --stack <name> > <file>");
}

/**
 * Refuses outputs that name another stack in their `environment` output: planned from them, the rotation
 * would start from another customer's record. Outputs without that name (a program that does not export
 * it) are taken as they are.
 */
function refuseOtherStack(outputs: Readonly<Record<string, unknown>>, stack: string, file: string): void {
    const named = outputs.environment;
    if (typeof named === "string" && named !== stack) {
        throw new UnusableInputError(`--outputs ${quoteForeign(file)} holds the outputs of stack ${quoteForeign(named)} (its environment ` +
            `output), not of "${stack}"; planning from them would start from another stack's rotation. ` +
            `Fix: pulumi stack output --json --stack ${stack} > ${quoteForeign(file)}, then plan again.`);
    }
}

async function runPlan(args: PlanArguments, io: CommandIo): Promise<number> {
    const stackFile = readStackFile(args.stack, args.stacksDir);
    let previousOutputs: Record<string, unknown> = {};
    if (args.outputs !== undefined) {
        previousOutputs = outputsObject((await readStackOutputsText(args.outputs, "nocobase-entra-mail plan")).json, args.outputs);
        refuseOtherStack(previousOutputs, args.stack, args.outputs);
    }
    try {
        const previous = args.outputs === undefined ? undefined : parseRotationRecord(previousOutputs);
        const run = await runProgram({
            stack: args.stack, config: stackFile.config, secretKeys: stackFile.secretKeys, now: args.now, previousOutputs, tenantId: stackFile.tenantId,
        });
        const configured = stackFile.config.emailSettings;
        const chosen = emailSettingsChoice(configured === "pasted" || configured === "variables" ? configured : undefined,
            stackFile.config.pastedSecretKeyId || undefined, previous).chosen;
        io.stdout(renderPlan(args.stack, args.now, run, {
            previous, fromOutputs: args.outputs !== undefined, tenantPinned: stackFile.tenantId !== undefined, emailSettingsChosen: chosen,
        }) + "\n");
        return EXIT_OK;
    } catch (err) {
        if (err instanceof ProgramFailure && pulumi.RunError.isInstance(err.error)) {
            io.stderr(`OFFLINE PLAN for stack "${args.stack}": configuration error\n${err.error.message}\n`);
            return EXIT_FAILED;
        }
        throw err;
    }
}

export const planCommand = defineCommand({
    name: "plan",
    summary: "what pulumi up would declare for a stack file, offline (no credentials, no network)",
    synopsis: PLAN_SYNOPSIS,
    description: PLAN_DESCRIPTION,
    exits: { ok: "planned", failed: "the configuration is refused" },
    parse: (argv) => parsePlanArguments(argv),
    run: runPlan,
});
