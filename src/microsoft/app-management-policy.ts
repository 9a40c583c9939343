/**
 * Entra app-management policies and what they mean for one application: the reads (the tenant's default
 * policy and the policy assigned to the application) and a pure judgement of what applies. Microsoft Graph
 * documents that an application with an assigned `appManagementPolicy` "adopts this policy over the
 * tenant-wide tenantAppManagementPolicy" (only one can be assigned), that a policy counts only when
 * `isEnabled`, and that a restriction with `restrictForAppsCreatedAfterDateTime` covers applications created
 * on or after that instant. `audiences` (blocking personal-account and multi-tenant audiences) is a beta
 * property: it is judged when Graph returns it.
 */
import { PerTenantRead } from "./directory-reader";
import type { GraphClient } from "./graph-client";
import { MicrosoftServiceError } from "./service-error";
import type { SignInAudience } from "../registration/sign-in-audience";

/** Graph application permission that reads both policies (Graph's reference names it the least privileged). */
export const READ_POLICIES_PERMISSION = "Policy.Read.All";

/** The error codes Graph answers with when a policy refuses a request. */
export const POLICY_ERROR_CODES = {
    lifetime: "CredentialInvalidLifetimeAsPerAppPolicy",
    secretsBlocked: "CredentialTypeNotAllowedAsPerAppPolicy",
    audience: "SignInAudienceNotAllowedAsPerAppPolicy",
} as const;

/** Where an administrator sees and changes the policies. */
export const POLICY_PORTAL = "Entra admin center > Enterprise apps > Application policies";

/** A restriction as Graph returns it (`passwordCredentialConfiguration`, `audienceRestriction`). */
interface GraphRestriction {
    readonly restrictionType?: string;
    /** "enabled" or "disabled"; absent in older policies, which Graph evaluates. */
    readonly state?: string | null;
    /** ISO 8601 duration, e.g. P90D; for `passwordLifetime`. */
    readonly maxLifetime?: string | null;
    readonly restrictForAppsCreatedAfterDateTime?: string | null;
    /** Callers with these custom security attributes are exempt. */
    readonly excludeActors?: { readonly customSecurityAttributes?: readonly unknown[] | null } | null;
}

interface GraphRestrictions {
    readonly passwordCredentials?: readonly GraphRestriction[] | null;
    readonly audiences?: {
        readonly azureAdMultipleOrgs?: GraphRestriction | null;
        readonly personalMicrosoftAccount?: GraphRestriction | null;
    } | null;
}

export interface TenantAppManagementPolicy {
    readonly id?: string;
    readonly isEnabled?: boolean;
    readonly applicationRestrictions?: GraphRestrictions | null;
}

export interface AppManagementPolicy {
    readonly id: string;
    readonly displayName?: string | null;
    readonly isEnabled?: boolean;
    readonly restrictions?: GraphRestrictions | null;
}

/** What Graph let us read: both policies, or why not. */
export type PolicyRead =
    | { readonly readable: true; readonly tenantDefault: TenantAppManagementPolicy | undefined; readonly applicationPolicies: readonly AppManagementPolicy[] }
    | { readonly readable: false; readonly reason: string };

/** Which policy governs the application. */
interface GoverningPolicy {
    readonly kind: "application" | "tenant default";
    readonly id: string;
    readonly displayName: string | undefined;
}

/** A restriction that covers the application. */
interface AppliedRestriction {
    /** Applications created on or after this instant are covered; undefined: all. */
    readonly forAppsCreatedAfter: string | undefined;
    /** Whether some callers are exempt by custom security attribute (not checked here). */
    readonly exemptsSomeCallers: boolean;
}

export interface PolicyVerdict {
    /** The policy that applies; undefined when none is enabled. */
    readonly policy: GoverningPolicy | undefined;
    /** The cap on a new secret's lifetime, as the policy states it and in whole days (rounded down); undefined: none. */
    readonly lifetimeCap: (AppliedRestriction & { readonly maxLifetime: string; readonly days: number | undefined }) | undefined;
    /** New client secrets are refused (`passwordAddition`). */
    readonly secretsBlocked: AppliedRestriction | undefined;
    /** Sign-in audiences the policy refuses, with the restriction that refuses each. */
    readonly blockedAudiences: ReadonlyMap<SignInAudience, AppliedRestriction>;
}

/** The inputs of the judgement: the policies, when the application was created, and now. */
interface PolicyContext {
    /** The application's `createdDateTime`; undefined for an application not created yet (it would be created now). */
    readonly applicationCreatedAt: string | undefined;
    readonly now: Date;
}

const DAY_SECONDS = 24 * 60 * 60;

/**
 * An ISO 8601 duration in days. Years and months have no fixed length, so a duration with them is not
 * converted (undefined); Graph's examples use days, hours, minutes and seconds.
 */
export function durationDays(duration: string): number | undefined {
    const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration.trim());
    if (match === null || duration.trim() === "P" || /T$/.test(duration.trim())) {
        return undefined;
    }
    const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
    return weeks * 7 + days + (hours * 3600 + minutes * 60 + seconds) / DAY_SECONDS;
}

/** Whether a restriction is evaluated for an application created at `createdAt`. */
function covers(restriction: GraphRestriction | null | undefined, context: PolicyContext): AppliedRestriction | undefined {
    if (restriction === null || restriction === undefined || restriction.state === "disabled") {
        return undefined;
    }
    const after = restriction.restrictForAppsCreatedAfterDateTime ?? undefined;
    const createdAt = context.applicationCreatedAt === undefined ? context.now.getTime() : Date.parse(context.applicationCreatedAt);
    if (after !== undefined && !Number.isNaN(Date.parse(after)) && createdAt < Date.parse(after)) {
        return undefined;
    }
    return { forAppsCreatedAfter: after, exemptsSomeCallers: (restriction.excludeActors?.customSecurityAttributes ?? []).length > 0 };
}

/** Audiences each audience restriction refuses: personal accounts, or more than one organisation. */
const AUDIENCES_REFUSED: Readonly<Record<"personalMicrosoftAccount" | "azureAdMultipleOrgs", readonly SignInAudience[]>> = {
    personalMicrosoftAccount: ["AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"],
    azureAdMultipleOrgs: ["AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount"],
};

/** What the policies mean for the application. Pure. */
export function judgePolicies(read: Extract<PolicyRead, { readable: true }>, context: PolicyContext): PolicyVerdict {
    const assigned = read.applicationPolicies.find((p) => p.isEnabled === true);
    const tenant = read.tenantDefault?.isEnabled === true ? read.tenantDefault : undefined;
    const policy: GoverningPolicy | undefined = assigned !== undefined
        ? { kind: "application", id: assigned.id, displayName: assigned.displayName ?? undefined }
        : tenant !== undefined ? { kind: "tenant default", id: tenant.id ?? "defaultAppManagementPolicy", displayName: undefined } : undefined;
    const restrictions = assigned !== undefined ? assigned.restrictions : tenant?.applicationRestrictions;
    const passwords = restrictions?.passwordCredentials ?? [];
    const lifetime = passwords.find((r) => r.restrictionType === "passwordLifetime" && typeof r.maxLifetime === "string");
    const lifetimeApplies = covers(lifetime, context);
    const maxLifetime = lifetime?.maxLifetime ?? undefined;
    const capDays = maxLifetime === undefined ? undefined : durationDays(maxLifetime);
    const blockedAudiences = new Map<SignInAudience, AppliedRestriction>();
    for (const [name, refused] of Object.entries(AUDIENCES_REFUSED) as Array<[keyof typeof AUDIENCES_REFUSED, readonly SignInAudience[]]>) {
        const applied = covers(restrictions?.audiences?.[name], context);
        if (applied !== undefined) {
            refused.forEach((audience) => blockedAudiences.set(audience, applied));
        }
    }
    return {
        policy,
        lifetimeCap: lifetimeApplies === undefined || maxLifetime === undefined ? undefined
            : { ...lifetimeApplies, maxLifetime, days: capDays === undefined ? undefined : Math.floor(capDays) },
        secretsBlocked: covers(passwords.find((r) => r.restrictionType === "passwordAddition"), context),
        blockedAudiences,
    };
}

/** The audience closest to the one wanted that the policy allows, most open first; AzureADMyOrg is never refused. */
export function allowedAudience(verdict: PolicyVerdict, wanted: SignInAudience): SignInAudience {
    if (!verdict.blockedAudiences.has(wanted)) {
        return wanted;
    }
    const preference: readonly SignInAudience[] = ["AzureADandPersonalMicrosoftAccount", "AzureADMultipleOrgs", "AzureADMyOrg"];
    return preference.find((a) => !verdict.blockedAudiences.has(a)) ?? "AzureADMyOrg";
}

/** "the tenant's default app-management policy" or "the app-management policy "Name" (id) assigned to the application". */
export function describePolicy(policy: GoverningPolicy): string {
    return policy.kind === "tenant default"
        ? "the tenant's default app-management policy"
        : `the app-management policy ${policy.displayName === undefined ? "" : `"${policy.displayName}" `}(${policy.id}) assigned to the application`;
}

/** "for applications created on or after <date>", and the exemption by caller attribute, when they apply. */
export function describeScope(restriction: AppliedRestriction): string {
    return [
        restriction.forAppsCreatedAfter === undefined ? "" : ` (for applications created on or after ${restriction.forAppsCreatedAfter})`,
        restriction.exemptsSomeCallers ? "; callers with the custom security attribute the policy names are exempt, which is not checked here" : "",
    ].join("");
}

/** What a 403 on the policy reads means, for a report: which permission, what is unknown, what to do. */
function unreadableReason(operation: string): string {
    return `the app-management policies could not be read (${operation}: HTTP 403; the identity lacks ${READ_POLICIES_PERMISSION}), ` +
        "so whether the tenant caps the lifetime of client secrets, blocks them, or blocks the sign-in audience is not known here: " +
        `Microsoft would refuse the next secret or update with ${POLICY_ERROR_CODES.lifetime}, ${POLICY_ERROR_CODES.secretsBlocked} or ` +
        `${POLICY_ERROR_CODES.audience}. To check it, grant the identity ${READ_POLICIES_PERMISSION} (npm run bootstrap-deployer -- ... --read-policies) ` +
        `or have an administrator look at ${POLICY_PORTAL}`;
}

interface TenantDefaultRead {
    readonly status: number;
    /** Undefined when Graph answers 403. */
    readonly body: TenantAppManagementPolicy | undefined;
}

export type TenantPolicyCache = PerTenantRead<TenantDefaultRead>;

/** The tenant's default policy, read once per tenant and run: it is the same for every application. */
export function tenantPolicyCache(): TenantPolicyCache {
    return new PerTenantRead((graph, tenant) => graph.get<TenantAppManagementPolicy>("/policies/defaultAppManagementPolicy", {
        operation: `read the default app-management policy of ${tenant}`, accept: [403],
    }));
}

/**
 * Reads the policies that may apply to an application (`applicationObjectId`; undefined for one not created
 * yet: the tenant's default alone). A 403 is an answer, not a failure: the report says what it means.
 */
export async function readAppManagementPolicies(graph: GraphClient, tenantId: string | undefined, applicationObjectId: string | undefined,
    cache: TenantPolicyCache = tenantPolicyCache()): Promise<PolicyRead> {
    const tenantDefault = await cache.get(tenantId, graph);
    if (tenantDefault.status === 403) {
        return { readable: false, reason: unreadableReason("GET /policies/defaultAppManagementPolicy") };
    }
    if (applicationObjectId === undefined) {
        return { readable: true, tenantDefault: tenantDefault.body, applicationPolicies: [] };
    }
    const path = `/applications/${encodeURIComponent(applicationObjectId)}/appManagementPolicies`;
    try {
        const applicationPolicies = await graph.list<AppManagementPolicy>(path, {
            operation: `read the app-management policy of application ${applicationObjectId}`,
        });
        return { readable: true, tenantDefault: tenantDefault.body, applicationPolicies };
    } catch (err) {
        if (err instanceof MicrosoftServiceError && err.details.status === 403) {
            return { readable: false, reason: unreadableReason(`GET ${path}`) };
        }
        throw err;
    }
}
