/**
 * Failures of calls to Microsoft's services, phrased for the person running the command: which service,
 * which operation, what happened, what to do. Never carries a secret or a token: messages are built from
 * status codes, error codes and Microsoft's own error text, which is redacted and shortened first because
 * Microsoft sometimes echoes what it was sent.
 */
import { redactForeignText } from "../redaction";

/** Longest quotation of Microsoft's own explanation. */
const MAX_DETAIL_LENGTH = 400;

type MicrosoftService = "Microsoft Graph" | "Microsoft identity platform";

interface MicrosoftServiceErrorDetails {
    readonly service: MicrosoftService;
    /** What we were doing, e.g. "read application 1234 (stack dev)". */
    readonly operation: string;
    /** HTTP status, or undefined when no response arrived (network, timeout) or the status is unknown (`answered`). */
    readonly status: number | undefined;
    /** Microsoft answered, but the credential library that called it does not tell the HTTP status. */
    readonly answered?: boolean;
    /** Graph's `error.code`, the token endpoint's `error`, or a local code such as "Timeout". */
    readonly code: string;
    /** Microsoft's explanation, or ours when there was no response. */
    readonly detail: string;
    /** What the user should do about it. */
    readonly fix: string;
    /** Graph's request id, for a support case. */
    readonly requestId?: string;
    /** `AADSTS` number from the identity platform, when it gave one. */
    readonly aadsts?: number;
}

export class MicrosoftServiceError extends Error {
    readonly details: MicrosoftServiceErrorDetails;

    constructor(raw: MicrosoftServiceErrorDetails) {
        // Microsoft's sentences end in a period; ours adds one after the request id, never a second.
        const details = { ...raw, detail: redactForeignText(raw.detail, { maxLength: MAX_DETAIL_LENGTH }).replace(/[.\s]+$/, "") };
        const status = details.status !== undefined ? `HTTP ${details.status}` : details.answered ? "refused" : "no response";
        const request = details.requestId ? ` [request-id ${details.requestId}]` : "";
        super(`${details.service}: ${details.operation} failed (${status}, ${details.code}): ${details.detail}${request}. ` +
            `Fix: ${details.fix}`);
        this.name = "MicrosoftServiceError";
        this.details = details;
    }
}

/** The fix to suggest for a Graph failure, by status and code. */
export function graphFix(status: number | undefined, code: string): string {
    if (status === undefined) {
        return code === "Timeout"
            ? "check the network path to Microsoft Graph (proxy, firewall) and retry; raise --timeout-seconds on slow links"
            : "check the network path to Microsoft Graph (DNS, proxy, firewall, GRAPH_BASE_URL) and retry";
    }
    if (status === 401) {
        return "sign in again (az login, or check AZURE_CLIENT_ID/AZURE_TENANT_ID and the federated credential) " +
            "and make sure the token is for this Graph endpoint";
    }
    if (status === 403) {
        return "grant the calling identity the Graph permission this operation needs " +
            "(see the README, 'Rights it grants, and why'), or make it an owner of the application";
    }
    if (status === 404) {
        return "check the object ID in the stack outputs; if the object was just created, wait a minute and retry";
    }
    if (status === 429 || status === 503 || status === 504) {
        return "Microsoft Graph is throttling or busy; retry later or lower --concurrency";
    }
    // App-management policies (src/microsoft/app-management-policy.ts); the codes are Microsoft's.
    if (code === "CredentialInvalidLifetimeAsPerAppPolicy") {
        return "the tenant's app-management policy caps the lifetime of new client secrets below the stack's secretLifetimeDays: " +
            "declare the cap and fit the schedule to it (pulumi config set nocobase-entra-mail:secretLifetimeCapDays <days>, then set " +
            "secretLifetimeDays to at most the cap and secretRotationDays to at most (lifetime - 7) / 2; the plan then prints the exact commands), " +
            "then run pulumi up again; npm run doctor reads the cap when it may read the policy";
    }
    if (code === "CredentialTypeNotAllowedAsPerAppPolicy") {
        return "the tenant's app-management policy blocks new client secrets for this application, and NocoBase's Email Manager " +
            "signs in only with one: an administrator exempts the application (Entra admin center > Enterprise apps > Application policies, " +
            "the policy's Excluded apps), then run pulumi up again";
    }
    if (code === "SignInAudienceNotAllowedAsPerAppPolicy") {
        return "the tenant's app-management policy blocks this sign-in audience (personal Microsoft accounts or other organizations): " +
            "pulumi config set nocobase-entra-mail:signInAudience AzureADMultipleOrgs (or AzureADMyOrg), or have an administrator exempt " +
            "the application (Entra admin center > Enterprise apps > Application policies), then run pulumi up again";
    }
    if (code === "TooManyAppPasswords") {
        return "remove a client secret the stack does not manage (Entra admin center > App registrations > " +
            "Certificates & secrets), then run pulumi up again";
    }
    return "read Microsoft's message above; correct the request or the directory object and retry";
}

/** Least Graph application permissions of the reads the doctor and the adoption preflight make (Graph's API reference). */
export const READ_APPLICATIONS_PERMISSION = "Application.Read.All (or Application.ReadWrite.OwnedBy, which the CI deployer holds, for applications it owns)";
export const READ_GRANTS_PERMISSION = "Directory.Read.All, the least that reads delegated permission grants " +
    "(or DelegatedPermissionGrant.ReadWrite.All, which the CI deployer holds with --admin-consent)";

/**
 * Runs a Graph call whose least permission is known, so that a 403 names it: "grant the permission the
 * operation needs" leaves the reader to find which one.
 */
export async function needingPermission<T>(call: Promise<T>, permission: string): Promise<T> {
    try {
        return await call;
    } catch (err) {
        if (err instanceof MicrosoftServiceError && err.details.service === "Microsoft Graph" && err.details.status === 403) {
            throw new MicrosoftServiceError({
                ...err.details,
                fix: `grant the identity this command signs in with the Microsoft Graph permission ${permission}, ` +
                    "with an administrator's consent, then run again",
            });
        }
        throw err;
    }
}
