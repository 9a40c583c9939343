/**
 * Stacks of the engine suite wired to the running emulator and NocoBase: the environment the CLI and its
 * plugins need to reach them, and the stack config of the hand-over program for a seeded application.
 */
import * as path from "node:path";
import { runningNocobase } from "../nocobase-server/harness";
import { freshNames, runningEmulator, seededApplication } from "../nocobase/support";
import { EngineStack, type StackConfig } from "./engine-stack";
import { engineToolchain } from "./toolchain";

export const HANDOVER_PROGRAM = path.join(__dirname, "programs", "handover.ts");

/** A new stack whose CLI and plugins trust the emulator and prove secrets at its token endpoint. */
export async function newStack(name: string, program: string): Promise<EngineStack> {
    const emulator = runningEmulator();
    return new EngineStack(await engineToolchain(), name, program, {
        AZURE_AUTHORITY_HOST: emulator.authorityHost,
        NODE_EXTRA_CA_CERTS: emulator.certificate.caFile,
    });
}

export interface HandoverSecret {
    readonly clientSecret: string;
    readonly clientSecretKeyId: string;
}

export interface HandoverTarget {
    readonly clientId: string;
    readonly tenantId: string;
    readonly clientIdVariable: string;
    readonly clientSecretVariable: string;
    readonly apiUrl: string;
}

/** An emulated application with one accepted secret, and fresh NocoBase variable names for it. */
export function handoverTarget(label: string): { target: HandoverTarget; secret: HandoverSecret } {
    const app = seededApplication(label);
    return {
        target: { clientId: app.clientId, tenantId: app.tenantId, ...freshNames(label), apiUrl: runningNocobase().apiUrl },
        secret: { clientSecret: app.clientSecret, clientSecretKeyId: app.clientSecretKeyId },
    };
}

/** Stack config of programs/handover.ts: NocoBase holds `secret` in `slot`; the API key as secret config. */
export function handoverConfig(target: HandoverTarget, secret: HandoverSecret, slot: "a" | "b",
    options: { handover?: boolean; stackOutputs?: Record<string, unknown> } = {}): StackConfig {
    return {
        "engine:slot": { value: slot },
        "engine:keyId": { value: secret.clientSecretKeyId },
        "engine:windowStart": { value: "2026-11-03T00:00:00Z" },
        "engine:expiresAt": { value: "2027-05-02T00:00:00Z" },
        "engine:clientSecret": { value: secret.clientSecret, secret: true },
        "engine:handover": { value: String(options.handover ?? true) },
        "engine:apiUrl": { value: target.apiUrl },
        "engine:clientId": { value: target.clientId },
        "engine:tenantId": { value: target.tenantId },
        "engine:clientIdVariable": { value: target.clientIdVariable },
        "engine:clientSecretVariable": { value: target.clientSecretVariable },
        "engine:stackOutputs": { value: JSON.stringify(options.stackOutputs ?? {}) },
        "nocobase-entra-mail:nocobaseApiToken": { value: runningNocobase().rootApiKey, secret: true },
    };
}
