/**
 * `--probe-secret`: asks the token endpoint for an app-only token with the stack's own secret, the way
 * NocoBase's backend will, and turns the identity platform's answer into findings.
 */
import type { MicrosoftEndpoints } from "../../microsoft/endpoints";
import { probeClientSecret, type ProbeOutcome } from "../../microsoft/token-probe";
import type { StackOutputs } from "../stack-outputs";
import type { Finding } from "./findings";

export type { ProbeOutcome };

/** Token-endpoint refusals as findings. Pure. */
export function findingsFromProbe(expected: StackOutputs, outcome: ProbeOutcome): Finding[] {
    if (outcome.kind === "accepted") {
        return [];
    }
    const up = `pulumi up --stack ${expected.environment}`;
    switch (outcome.aadsts) {
        case 7000215:
            return [{
                code: "secret-rejected", severity: "error",
                message: `The token endpoint refuses the stack's client secret (AADSTS7000215, invalid secret) for client ${expected.clientId}.`,
                fix: `If the secret was rotated in the last minutes, wait and run the doctor again; otherwise run ${up} to rotate it.`,
            }];
        case 7000222:
            return [{
                code: "secret-expired", severity: "error",
                message: `The token endpoint reports the stack's client secret as expired (AADSTS7000222) for client ${expected.clientId}.`,
                fix: `Run ${up} to rotate it.`,
            }];
        case 700016:
            return [{
                code: "application-unknown", severity: "error",
                message: `The token endpoint does not know client ${expected.clientId} in tenant ${expected.tenantId} (AADSTS700016).`,
                fix: `Check clientId and tenantId in the outputs; if the application was deleted, restore it or run ${up}.`,
            }];
        default:
            return [{
                code: "secret-probe-failed", severity: "error",
                message: `The token endpoint refused a token for client ${expected.clientId} (AADSTS${outcome.aadsts}): ${outcome.detail}`,
                fix: `Look the code up at https://login.microsoftonline.com/error?code=${outcome.aadsts}, then run ${up}.`,
            }];
    }
}

/** Requests the token with the stack's secret; see `probeClientSecret`. */
export function probeSecret(expected: StackOutputs, endpoints: MicrosoftEndpoints, timeoutMs: number): Promise<ProbeOutcome> {
    return probeClientSecret(expected, endpoints, timeoutMs, `get a token with the client secret of stack ${expected.environment}`);
}
