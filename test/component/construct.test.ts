// The component constructed through ComponentProvider, as `pulumi package add` serves it to other
// languages: the same resources, inputs and outputs as the stack's program for the same settings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ProgramFailure, ProgramRun, runProgram } from "../../src/operations/plan/program-runner";
import { Registration } from "../../src/operations/plan/recording-mocks";
import { constructThroughProvider, ConstructRun } from "./component-provider";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { VARIABLES_TYPE } from "../../src/nocobase/variables";

const NOW = new Date("2026-11-23T12:00:00Z");
const TOKEN = "nocobase-api-token-that-must-not-leak";

interface Case {
    readonly what: string;
    /** Stack configuration as `pulumi config` holds it. */
    readonly config: Record<string, string>;
    /** The same settings as component inputs. */
    readonly inputs: Record<string, unknown>;
}

const CASES: Case[] = [
    {
        what: "the defaults",
        config: { nocobaseUrl: "https://crm.example.com" },
        inputs: { nocobaseUrl: "https://crm.example.com" },
    },
    {
        what: "every setting, with the hand-over",
        config: {
            nocobaseUrl: "https://example.com/nocobase/", nocobaseSubApp: "sales",
            extraNocobaseUrls: JSON.stringify(["https://crm.internal.example.com//nocobase"]),
            displayName: "NocoBase Email (production)", signInAudience: "AzureADMyOrg",
            secretRotationDays: "30", secretLifetimeDays: "90", secretGeneration: "2", grantAdminConsent: "true",
            owners: JSON.stringify(["5F1C2A8E-3D4B-4C6A-9E7F-0A1B2C3D4E5F"]),
            nocobaseApiUrl: "https://crm.internal.example.com/nocobase/api/", nocobaseClientIdVariable: "OUTLOOK_ID",
            nocobaseClientSecretVariable: "OUTLOOK_SECRET", nocobaseApiToken: TOKEN,
        },
        inputs: {
            nocobaseUrl: "https://example.com/nocobase/", nocobaseSubApp: "sales",
            extraNocobaseUrls: ["https://crm.internal.example.com//nocobase"],
            displayName: "NocoBase Email (production)", signInAudience: "AzureADMyOrg",
            secretRotationDays: 30, secretLifetimeDays: 90, secretGeneration: 2, grantAdminConsent: true,
            owners: ["5F1C2A8E-3D4B-4C6A-9E7F-0A1B2C3D4E5F"],
            nocobaseApiUrl: "https://crm.internal.example.com/nocobase/api/", nocobaseClientIdVariable: "OUTLOOK_ID",
            nocobaseClientSecretVariable: "OUTLOOK_SECRET", handOverToNocobase: true,
        },
    },
    {
        what: "an adopted registration",
        config: { nocobaseUrl: "https://crm.example.com", adoptApplicationObjectId: "9A8B7C6D-1111-4222-8333-444455556666" },
        inputs: { nocobaseUrl: "https://crm.example.com", adoptApplicationObjectId: "9A8B7C6D-1111-4222-8333-444455556666" },
    },
];

function program(config: Record<string, string>): Promise<ProgramRun> {
    return runProgram({ stack: "prod", config, now: NOW, secretKeys: "nocobaseApiToken" in config ? ["nocobaseApiToken"] : [] });
}

function construct(inputs: Record<string, unknown>): Promise<ConstructRun> {
    return constructThroughProvider(inputs, { stack: "prod", now: NOW });
}

interface ChildOutcome {
    readonly ok: boolean;
    readonly runError?: boolean;
    readonly message?: string;
    readonly registrations: string[];
}

/** Constructs in a child process (construct-child.ts), for refusals of inputs that are outputs. */
function constructInChild(inputs: Record<string, unknown>): ChildOutcome {
    const child = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "construct-child.ts"), JSON.stringify(inputs)], {
        encoding: "utf8", timeout: 60_000,
    });
    assert.ok(child.stdout !== "", `child printed nothing; stderr: ${child.stderr}`);
    return JSON.parse(child.stdout) as ChildOutcome;
}

function byTypeAndName(registrations: readonly Registration[]): Registration[] {
    return [...registrations].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
}

async function refusal(run: () => Promise<unknown>): Promise<Error> {
    try {
        await run();
    } catch (err) {
        return err instanceof ProgramFailure ? err.error : err as Error;
    }
    assert.fail("bad settings were accepted");
}

describe("component constructed through the provider", () => {
    for (const { what, config, inputs } of CASES) {
        it(`declares the program's resources with the program's inputs for ${what}`, async () => {
            const expected = await program(config);
            const actual = await construct(inputs);
            assert.deepEqual(byTypeAndName(actual.registrations), byTypeAndName(expected.registrations));
            assert.deepEqual(actual.invokes, expected.invokes);
        });

        it(`returns the stack's outputs, clientSecret alone secret, for ${what}`, async () => {
            const expected = await program(config);
            const actual = await construct(inputs);
            assert.deepEqual(actual.outputs, expected.outputs);
            assert.deepEqual(actual.secretOutputs, ["clientSecret"]);
        });
    }

    it("hands over to NocoBase only when asked, passing no API key to the Variables resource", async () => {
        const without = await construct({ nocobaseUrl: "https://crm.example.com" });
        assert.ok(!without.registrations.some((r) => r.type === VARIABLES_TYPE));
        const withHandOver = await construct({ nocobaseUrl: "https://crm.example.com", handOverToNocobase: true });
        const handover = withHandOver.registrations.filter((r) => r.type === VARIABLES_TYPE);
        assert.equal(handover.length, 1);
        assert.deepEqual(Object.keys(handover[0].inputs).filter((k) => k !== "__provider").sort(), [
            "apiUrl", "clientId", "clientIdVariable", "clientSecret", "clientSecretKeyId", "clientSecretVariable", "signInAudience", "tenantId",
        ]);
    });

    it("refuses bad inputs by the stack configuration's rules, naming the inputs and the change in the program", async () => {
        const fromConfig = await refusal(() => program({ nocobaseUrl: "http://crm.example.com/?x=1", secretLifetimeDays: "30", owners: "[\"me\"]" }));
        const fromInputs = await refusal(() => construct({ nocobaseUrl: "http://crm.example.com/?x=1", secretLifetimeDays: 30, owners: ["me"] }));
        assert.ok(pulumi.RunError.isInstance(fromInputs), "a RunError, printed without stack trace");
        const blamed = (message: string): string[] => [...message.matchAll(/^ {2}- (?:nocobase-entra-mail:|input )(\w+)/gm)].map((m) => m[1]);
        assert.deepEqual(blamed(fromInputs.message), blamed(fromConfig.message));
        assert.deepEqual(blamed(fromInputs.message), ["nocobaseUrl", "secretLifetimeDays", "owners"]);
        assert.match(fromInputs.message, /^NocobaseMail "nocobase-mail" has inputs with 3 problems; nothing was created or changed:/);
        assert.match(fromInputs.message, /- input owners entry 0 is "me", not an object ID \(a GUID\)\.\n {4}Fix: in the program's NocobaseMail "nocobase-mail": set item 0 of the input owners to <object ID from: az ad user show --id <upn> --query id>/);
        assert.match(fromInputs.message, /Fix: in the program's NocobaseMail "nocobase-mail": set the input secretLifetimeDays to 127\n/);
        assert.doesNotMatch(fromInputs.message, /pulumi config/, "a component's author changes the program, not the stack's configuration");
        assert.match(fromConfig.message, /Fix: pulumi config set --stack prod nocobase-entra-mail:secretLifetimeDays 127\n/);
    });

    it("takes an output of another resource for a value input, with the resources a plain value gives", async () => {
        const plain = await construct({ nocobaseUrl: "https://crm.example.com", displayName: "Mail", owners: ["5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f"] });
        const outputs = await construct({
            nocobaseUrl: pulumi.output("https://crm.example.com"), displayName: Promise.resolve("Mail"),
            owners: [pulumi.output("5f1c2a8e-3d4b-4c6a-9e7f-0a1b2c3d4e5f")],
        });
        assert.deepEqual(byTypeAndName(outputs.registrations), byTypeAndName(plain.registrations));
        assert.deepEqual(outputs.outputs, plain.outputs);
    });

    it("refuses an output that breaks the rules once it is known, naming the input, before the registration exists", () => {
        const outcome = constructInChild({ nocobaseUrl: { output: "http://crm.example.com/?x=1" } });
        assert.equal(outcome.ok, false);
        assert.equal(outcome.runError, true, "a RunError, printed without stack trace");
        // Pulumi prefixes the property it was serializing when the check failed.
        assert.match(outcome.message ?? "", /NocobaseMail "nocobase-mail" has inputs with 1 problem; nothing was created or changed:\n {2}- input nocobaseUrl "http:\/\/crm\.example\.com\/\?x=\[redacted\]" uses http/);
        assert.ok(!outcome.registrations.some((type) => type.startsWith("azuread:")), outcome.registrations.join(", "));
    });

    it("refuses an output for an input that decides the resources, saying what the value decides", async () => {
        const rotation = await refusal(() => construct({ nocobaseUrl: "https://crm.example.com", secretRotationDays: pulumi.output(30) }));
        assert.ok(pulumi.RunError.isInstance(rotation));
        assert.match(rotation.message, /^NocobaseMail "nocobase-mail" input secretRotationDays is an output .* because it decides which rotation window is current, so whether this run replaces a client secret and which slot\. Nothing was created or changed\.\n {4}Fix: pass a literal or a configuration value\.$/);
        const adopted = await refusal(() => construct({ nocobaseUrl: "https://crm.example.com", adoptApplicationObjectId: pulumi.output("9a8b7c6d-1111-4222-8333-444455556666") }));
        assert.match(adopted.message, /input adoptApplicationObjectId .* because it decides whether the registration is imported or created/);
        const audience = await refusal(() => construct({ nocobaseUrl: "https://crm.example.com", signInAudience: pulumi.output("AzureADMyOrg") }));
        assert.match(audience.message, /input signInAudience .* because it decides whether the stack manages the registration's access-token version/);
    });

    it("refuses a secret that breaks the rules without showing it, in the problem or the fix", () => {
        const badUrl = constructInChild({ nocobaseUrl: "https://crm.example.com", nocobaseApiUrl: { secret: TOKEN } });
        assert.match(badUrl.message ?? "", /- input nocobaseApiUrl \(a value not shown: an input is a secret\) is not an absolute URL/);
        const sameName = constructInChild({
            nocobaseUrl: "https://crm.example.com", nocobaseClientIdVariable: { secret: TOKEN }, nocobaseClientSecretVariable: TOKEN,
        });
        assert.match(sameName.message ?? "", /- input nocobaseClientSecretVariable/);
        for (const outcome of [badUrl, sameName]) {
            assert.equal(outcome.runError, true);
            assert.ok(!(outcome.message ?? "").includes(TOKEN.slice(0, 12)), outcome.message);
        }
    });
});
