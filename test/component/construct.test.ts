// The component constructed through ComponentProvider, as `pulumi package add` serves it to other
// languages: the same resources, inputs and outputs as the stack's program for the same settings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ProgramFailure, ProgramRun, runProgram } from "../../src/operations/plan/program-runner";
import { Registration } from "../../src/operations/plan/recording-mocks";
import { constructThroughProvider, ConstructRun } from "./component-provider";
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

    it("refuses bad settings with the stack configuration's own message, before anything is declared", async () => {
        const fromConfig = await refusal(() => program({ nocobaseUrl: "http://crm.example.com/?x=1", secretLifetimeDays: "30", owners: "[\"me\"]" }));
        const fromInputs = await refusal(() => construct({ nocobaseUrl: "http://crm.example.com/?x=1", secretLifetimeDays: 30, owners: ["me"] }));
        assert.ok(pulumi.RunError.isInstance(fromInputs), "a RunError, printed without stack trace");
        assert.equal(fromInputs.message, fromConfig.message);
        assert.match(fromInputs.message, /nocobase-entra-mail:owners entry 0 is "me"/);
    });

    it("refuses an output where the schema asks for a plain value, naming the input", async () => {
        const error = await refusal(() => construct({ nocobaseUrl: pulumi.output("https://crm.example.com") }));
        assert.ok(pulumi.RunError.isInstance(error));
        assert.match(error.message, /^NocobaseMail input nocobaseUrl is an output .* Fix: pass a literal or a configuration value\.$/);
    });

    it("refuses an output for a rotation setting or the adopted ID, saying what the value decides", async () => {
        const rotation = await refusal(() => construct({ nocobaseUrl: "https://crm.example.com", secretRotationDays: pulumi.output(30) }));
        assert.match(rotation.message, /^NocobaseMail input secretRotationDays is an output .* because it decides which rotation window is current, so whether this run replaces a client secret and which slot\./);
        const adopted = await refusal(() => construct({ nocobaseUrl: "https://crm.example.com", adoptApplicationObjectId: pulumi.output("9a8b7c6d-1111-4222-8333-444455556666") }));
        assert.match(adopted.message, /input adoptApplicationObjectId .* because it decides whether the registration is imported or created/);
    });

    it("refuses a secret for a plain input without showing its value", async () => {
        const error = await refusal(() => construct({ nocobaseUrl: "https://crm.example.com", nocobaseApiUrl: pulumi.secret(TOKEN) }));
        assert.match(error.message, /NocobaseMail input nocobaseApiUrl is an output of another resource or a secret/);
        assert.ok(!error.message.includes(TOKEN));
    });
});
