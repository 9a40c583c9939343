/**
 * The live check over many environments: reads each one's live state, judges it, optionally probes the
 * secret, with at most `concurrency` environments in progress. I/O comes in through `DoctorServices` so
 * the orchestration is testable against the emulator and the benchmark.
 */
import type { GraphClient } from "../../microsoft/graph-client";
import { MicrosoftServiceError } from "../../microsoft/service-error";
import { redactForeignText } from "../../redaction";
import { NocobaseError } from "../../nocobase/client";
import { parseStackOutputs, type StackOutputs, type StackOutputsText } from "../stack-outputs";
import { mapWithConcurrency } from "./bounded-concurrency";
import type { EnvironmentReport, Finding } from "./findings";
import { GraphServicePrincipalCache, readLiveRegistration } from "./live-registration";
import { checkPastedSecret } from "./pasted-secret-checks";
import { checkRegistration } from "./registration-checks";
import { findingsFromProbe, type ProbeOutcome } from "./secret-probe";

/** One input document: stack outputs JSON and where it came from. */

export interface DoctorOptions {
    readonly warnDays: number;
    readonly probeSecret: boolean;
    readonly concurrency: number;
    /** Also check the NocoBase end (`--nocobase`). */
    readonly nocobase?: boolean;
}

export interface DoctorServices {
    /**
     * Signs the doctor's own identity in to the tenant; rejects with a `MicrosoftServiceError` about that
     * identity. Called once per tenant, so a refused credential is one failure, not one per environment.
     */
    signIn(tenantId: string): Promise<void>;
    /** A Graph client for the tenant (tokens are per tenant). */
    graphFor(tenantId: string): GraphClient;
    probe(expected: StackOutputs): Promise<ProbeOutcome>;
    /** Findings about the NocoBase end, for `--nocobase`. */
    nocobase?(expected: StackOutputs): Promise<Finding[]>;
    now(): Date;
}

/**
 * Splits the inputs into environments: a document holds one stack's outputs, or (on stdin, for
 * convenience) a JSON array of them. `needsSecret`: whether the outputs must carry the client secret
 * (only `--probe-secret` uses it).
 */
function environmentsOf(documents: readonly StackOutputsText[], needsSecret: boolean):
    Array<{ source: string; outputs?: StackOutputs; error?: string }> {
    return documents.flatMap((doc) => {
        let parsed: unknown;
        try {
            parsed = JSON.parse(doc.json);
        } catch {
            parsed = undefined;
        }
        const parts = Array.isArray(parsed)
            ? parsed.map((item, i) => ({ source: `${doc.source}[${i}]`, json: JSON.stringify(item) }))
            : [doc];
        return parts.map((part) => {
            try {
                return { source: part.source, outputs: parseStackOutputs(part.json, part.source, { needsSecret }) };
            } catch (err) {
                return { source: part.source, error: (err as Error).message };
            }
        });
    });
}

function dedupe(findings: readonly Finding[]): Finding[] {
    const seen = new Set<string>();
    return findings.filter((f) => !seen.has(f.code) && seen.add(f.code) !== undefined);
}

/** One sign-in per tenant, shared by its environments; a failure is kept, so it is reported the same way to each. */
class SignIns {
    private readonly byTenant = new Map<string, Promise<void>>();

    constructor(private readonly services: DoctorServices) {}

    to(tenantId: string): Promise<void> {
        let signIn = this.byTenant.get(tenantId);
        if (!signIn) {
            signIn = this.services.signIn(tenantId);
            this.byTenant.set(tenantId, signIn);
        }
        return signIn;
    }
}

async function checkOne(expected: StackOutputs, source: string, options: DoctorOptions, services: DoctorServices,
    graphServicePrincipals: GraphServicePrincipalCache, signIns: SignIns): Promise<EnvironmentReport> {
    const base = { environment: expected.environment, source, tenantId: expected.tenantId, clientId: expected.clientId };
    try {
        await signIns.to(expected.tenantId);
        const live = await readLiveRegistration(services.graphFor(expected.tenantId), expected, graphServicePrincipals);
        const pasted = checkPastedSecret(expected, live, { now: services.now(), warnDays: options.warnDays });
        const findings = checkRegistration(expected, live, { now: services.now(), warnDays: options.warnDays })
            .filter((f) => !(pasted.rotationWaits && f.code === "rotation-missed"));
        findings.push(...pasted.findings);
        // Without the application or its service principal the token endpoint can only repeat that finding.
        if (options.probeSecret && live.application !== undefined && live.servicePrincipalId !== undefined) {
            findings.push(...findingsFromProbe(expected, await services.probe(expected)));
        }
        if (options.nocobase && services.nocobase) {
            findings.push(...await services.nocobase(expected));
        }
        const unique = dedupe(findings);
        return { ...base, outcome: unique.length === 0 ? "healthy" : "findings", findings: unique,
            ...(pasted.report === undefined ? {} : { pastedSecret: pasted.report }) };
    } catch (err) {
        const error = err instanceof MicrosoftServiceError || err instanceof NocobaseError ? err.message : `unexpected failure: ${redactForeignText((err as Error).message)}`;
        return { ...base, outcome: "unchecked", findings: [], error };
    }
}

export async function checkEnvironments(documents: readonly StackOutputsText[], options: DoctorOptions,
    services: DoctorServices): Promise<EnvironmentReport[]> {
    const graphServicePrincipals = new GraphServicePrincipalCache();
    const signIns = new SignIns(services);
    return mapWithConcurrency(environmentsOf(documents, options.probeSecret), options.concurrency, (env) => env.outputs
        ? checkOne(env.outputs, env.source, options, services, graphServicePrincipals, signIns)
        : Promise.resolve<EnvironmentReport>({ environment: env.source, source: env.source, outcome: "unchecked", findings: [], error: env.error }));
}
