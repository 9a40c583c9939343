/**
 * `nocobase-entra-mail adopt`: reads the stack file and the live registration, compares them, optionally writes what
 * to keep into the stack file and compares again. I/O comes in through `PreflightServices` so the whole
 * flow runs against the Graph emulator in tests.
 */
import { adoptionChangeProblem } from "../../registration/adoption-change";
import { MicrosoftServiceError } from "../../microsoft/service-error";
import { redactForeignText } from "../../redaction";
import { EXIT_FAILED, EXIT_USAGE, exitCodeForError } from "../command-line";
import type { GraphClient } from "../../microsoft/graph-client";
import { readStackFile, STACKS_DIR } from "../plan/stack-file";
import { formatProblems, validateSettings, type RawSettings, type Settings } from "../../configuration/settings";
import type { AdoptArguments } from "./adopt-arguments";
import { compareRegistration, type AdoptionReport } from "./adoption-report";
import type { SignedInIdentity } from "./deployer-identity";
import { readAdoptionSnapshot } from "./live-registration";
import { readAppManagementPolicies } from "../../microsoft/app-management-policy";
import { renderJson, renderReport } from "./report-rendering";
import { keptConfiguration, stackFilePath, writeStackFileValues } from "./stack-file-update";

interface PreflightServices {
    readonly graph: GraphClient;
    /** The signed-in identity, as Microsoft Graph names it; "not known" when Graph cannot (deployer-identity.ts). */
    signedInIdentity(): Promise<SignedInIdentity>;
    /** The application the stack manages (its applicationObjectId output); only with --project. */
    managedApplicationObjectId?(): Promise<string | undefined>;
}

interface PreflightOutcome {
    readonly exitCode: 0 | 1 | 2;
    /** The report, for stdout. */
    readonly output: string;
    /** Why it could not check, for stderr (exit 2: the stack file or object ID is unusable; 1: Microsoft could not be asked). */
    readonly error?: string;
}

function stackSettings(stack: string, dir: string): Settings {
    const file = readStackFile(stack, dir);
    const raw: RawSettings = { ...file.config, stack, nocobaseApiTokenSet: file.secretKeys.includes("nocobaseApiToken") };
    const result = validateSettings(raw);
    if (!result.ok) {
        throw new Error(`stack "${stack}": ${formatProblems(result.problems)}`);
    }
    return result.settings;
}

/** The stack file or the object ID cannot be used. */
function unusableInput(error: string): PreflightOutcome {
    return { exitCode: EXIT_USAGE, output: "", error };
}

/** Microsoft could not be asked (sign-in, network, throttling): a failure while working, as in every command. */
function failedWhileWorking(error: string): PreflightOutcome {
    return { exitCode: EXIT_FAILED, output: "", error };
}

export async function runPreflight(args: AdoptArguments, services: PreflightServices): Promise<PreflightOutcome> {
    try {
        // The refusal pulumi up would give (src/registration/adoption-change.ts), before anything else is read.
        const changed = adoptionChangeProblem(args.stack, await services.managedApplicationObjectId?.(), args.objectId);
        if (changed !== undefined) {
            return { exitCode: 1, output: `${changed}\n` };
        }
    } catch (err) {
        // No such stack is unusable input; a backend that cannot be read is a failure while working.
        const message = (err as Error).message;
        return exitCodeForError(err) === EXIT_USAGE ? unusableInput(message) : failedWhileWorking(message);
    }
    const dir = args.stacksDir ?? STACKS_DIR;
    let settings: Settings;
    try {
        settings = stackSettings(args.stack, dir);
    } catch (err) {
        return unusableInput((err as Error).message);
    }
    const adoptCommand = `nocobase-entra-mail adopt --stack ${args.stack} --object-id ${args.objectId}`;
    try {
        const snapshot = await readAdoptionSnapshot(services.graph, args.objectId);
        if (snapshot === undefined) {
            return unusableInput(`Microsoft Graph has no application with object ID ${args.objectId} in this tenant. ` +
                "Fix: copy the Object ID (not the Application (client) ID) from the registration's Overview page, " +
                "and sign in to the registration's tenant (AZURE_TENANT_ID, or az login --tenant).");
        }
        const deployer: SignedInIdentity = args.deployer !== undefined
            ? { objectId: args.deployer, kind: "given", updatesAnyApplication: undefined }
            : await services.signedInIdentity();
        if (deployer.kind === "not known") {
            return unusableInput(`The deploying identity is not known: ${deployer.reason}. ` +
                "Fix: give it with --deployer <object ID> (of the person, or of the application's service principal).");
        }
        const policies = await readAppManagementPolicies(services.graph, undefined, snapshot.objectId);
        const now = new Date();
        let report: AdoptionReport = compareRegistration(snapshot, { settings, deployer, adoptCommand, policies, now });
        let written: string[] = [];
        if (args.write) {
            written = writeStackFileValues(stackFilePath(args.stack, dir), keptConfiguration(snapshot, settings, args.keep));
            report = compareRegistration(snapshot, { settings: stackSettings(args.stack, dir), deployer, adoptCommand, policies, now });
        }
        return { exitCode: report.exitCode, output: args.json ? renderJson(report, written) : renderReport(report, written) };
    } catch (err) {
        if (err instanceof MicrosoftServiceError) {
            return failedWhileWorking(err.message);
        }
        return failedWhileWorking(`unexpected failure: ${redactForeignText((err as Error).message)}`);
    }
}
