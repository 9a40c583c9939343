/**
 * Shared pieces of the NocoBase integration suites: counting, fresh names and secrets, leak checks, and the
 * HTTPS emulator of Microsoft's token endpoint where every secret handed to NocoBase is proven first.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { NocobaseClient, type NocobaseRequestEvent, type NocobaseVariable } from "../../src/nocobase/client";
import {
    createMailVariablesProvider, type MailVariablesInputs, type MailVariablesProvider, type MailVariablesProviderOptions,
} from "../../src/nocobase/variables-provider";
import type { StackOutputs } from "../../src/operations/stack-outputs";
import { runningNocobase } from "../nocobase-server/harness";
import { startEmulator, type Emulator } from "../graph/emulator/emulator";

let emulator: Emulator | undefined;

/** Starts the emulator and points this process's Microsoft endpoints (AZURE_AUTHORITY_HOST) at it. */
export async function startMicrosoftEmulator(): Promise<Emulator> {
    emulator = await startEmulator();
    process.env.AZURE_AUTHORITY_HOST = emulator.authorityHost;
    process.env.GRAPH_BASE_URL = emulator.graphBaseUrl;
    return emulator;
}

export function runningEmulator(): Emulator {
    if (emulator === undefined) {
        throw new Error("No Microsoft emulator is running in this process. Run the tests with: npm run test:nocobase");
    }
    return emulator;
}

/** Requests to the emulated token endpoint for `clientId` so far (the proofs of its secrets). */
export function tokenRequestsFor(clientId: string): number {
    return runningEmulator().log.filter((l) => l.kind === "token" && l.client === clientId).length;
}

/** An application in the emulated tenant with one accepted secret, as a `pulumi up` leaves it. */
export function seededApplication(label: string): { clientId: string; tenantId: string; clientSecret: string; clientSecretKeyId: string; signInAudience: string } {
    const seeded = runningEmulator().directory.seedEnvironment({ environment: label });
    return {
        clientId: seeded.clientId, tenantId: seeded.tenantId, clientSecret: seeded.clientSecret,
        clientSecretKeyId: seeded.clientSecretKeyId, signInAudience: seeded.signInAudience,
    };
}

/** A new secret of the application, made now (the emulator's propagation delay counts from now). */
export function newSecretOf(clientId: string): { clientSecret: string; clientSecretKeyId: string } {
    const directory = runningEmulator().directory;
    const app = directory.findApplicationByAppId(clientId);
    assert.ok(app, `no emulated application ${clientId}`);
    const { credential, secretText } = directory.addPassword(app, "rotation", new Date(Date.now() + 180 * 86_400_000), Date.now());
    directory.secretAddedAt.set(credential.keyId, Date.now());
    return { clientSecret: secretText, clientSecretKeyId: credential.keyId };
}

/** Counts HTTP exchanges with NocoBase, split into reads and writes. */
export class RequestCounter {
    events: NocobaseRequestEvent[] = [];
    /** When each event arrived (ms), parallel to `events`. */
    times: number[] = [];
    readonly onRequest = (event: NocobaseRequestEvent): void => {
        this.events.push(event);
        this.times.push(Date.now());
    };
    /** When the first write completed, or undefined. */
    firstWriteAt(): number | undefined {
        const index = this.events.findIndex((e) => e.kind === "write");
        return index < 0 ? undefined : this.times[index];
    }
    get reads(): number {
        return this.events.filter((e) => e.kind === "read").length;
    }
    get writes(): number {
        return this.events.filter((e) => e.kind === "write").length;
    }
    reset(): void {
        this.events = [];
        this.times = [];
    }
    summary(): string {
        return `reads=${this.reads} writes=${this.writes}`;
    }
}

let sequence = 0;

/** Variable names no other test uses. */
export function freshNames(label: string): { clientIdVariable: string; clientSecretVariable: string } {
    sequence += 1;
    const stem = `T${process.pid}_${sequence}_${label.toUpperCase()}`;
    return { clientIdVariable: `${stem}_CLIENT_ID`, clientSecretVariable: `${stem}_CLIENT_SECRET` };
}

/** Shaped like an Entra client secret (40 characters with a ~), different every time. */
export function freshSecret(): string {
    return `Q7x8Q~${randomBytes(30).toString("base64url").slice(0, 34)}`;
}

export function inputsFor(label: string, overrides: Partial<MailVariablesInputs> = {}): MailVariablesInputs {
    return {
        apiUrl: runningNocobase().apiUrl,
        ...freshNames(label),
        ...seededApplication(label),
        ...overrides,
    };
}

/** The inputs after a rotation: a new secret of the same application. */
export function rotated(inputs: MailVariablesInputs): MailVariablesInputs {
    return { ...inputs, ...newSecretOf(inputs.clientId) };
}

/** The variables' CRUD configured as the plugin configures it, with the API key from the provider's configuration. */
export function configuredProvider(apiToken: string, options: MailVariablesProviderOptions = {}): Promise<MailVariablesProvider> {
    const provider = createMailVariablesProvider(options);
    provider.configure(apiToken);
    return Promise.resolve(provider);
}

/** A client with the root role's key, for looking at NocoBase from the side. */
export function rootClient(): NocobaseClient {
    const server = runningNocobase();
    return new NocobaseClient({
        apiUrl: server.apiUrl, apiToken: server.rootApiKey, apiTokenHint: "(test root key)", apiUrlHint: "(test server)",
    });
}

/** What NocoBase holds under `name` (a secret's value is null), read with the root key. */
export async function storedVariable(name: string): Promise<NocobaseVariable | undefined> {
    return (await rootClient().listVariables([name])).variables.find((v) => v.name === name);
}

/** Asserts that none of the given credentials appears in `text` (error messages, captured output). */
export function assertNoCredentials(text: string, credentials: readonly string[]): void {
    for (const credential of credentials) {
        assert.ok(credential.length >= 8, "a credential to look for must be long enough to be unambiguous");
        assert.ok(!text.includes(credential), `output contains a credential (${credential.length} characters long)`);
    }
}

/** Runs `action`, expecting it to fail; returns the error's message. */
export async function failureOf(action: () => Promise<unknown>): Promise<string> {
    try {
        await action();
    } catch (err) {
        return err instanceof Error ? err.message : String(err);
    }
    assert.fail("expected the call to fail");
}

const ROOT = path.resolve(__dirname, "../..");

export interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs one command of the tool (`nocobase-entra-mail <command>`) from this checkout's sources, in exactly `env`. */
export function runTool(command: string, args: readonly string[], env: Record<string, string | undefined>, stdin = ""): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src", "cli.ts"), command, ...args], {
            cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(stdin);
    });
}

/** Runs one command of the tool as a user does, with Microsoft's endpoints pointed at the emulator. */
export function runScript(command: string, args: string[], stdin: string, env: Record<string, string | undefined>): Promise<Run> {
    const emulator = runningEmulator();
    return runTool(command, args, {
        PATH: process.env.PATH, HOME: process.env.HOME,
        AZURE_AUTHORITY_HOST: emulator.authorityHost, NODE_EXTRA_CA_CERTS: emulator.certificate.caFile, ...env,
    }, stdin);
}


export function runPush(args: string[], stdin: string, env: Record<string, string | undefined>): Promise<Run> {
    return runScript("push-to-nocobase", args, stdin, env);
}

/** Stack outputs of a seeded application in the emulator, with fresh NocoBase variable names. */
export function outputsFor(label: string, overrides: Partial<StackOutputs> = {}): StackOutputs {
    const names = freshNames(label);
    return {
        ...runningEmulator().directory.seedEnvironment({ environment: label }),
        environment: label,
        nocobaseClientIdVariable: names.clientIdVariable, nocobaseClientSecretVariable: names.clientSecretVariable,
        nocobaseApiUrl: runningNocobase().apiUrl,
        ...overrides,
    };
}

