/** What the live check reports about one environment. */

type FindingCode =
    | "registration-missing"
    | "client-id-mismatch"
    | "redirect-uri-missing"
    | "redirect-uri-unexpected"
    | "delegated-permission-missing"
    | "delegated-permission-extra"
    | "sign-in-audience-mismatch"
    | "access-token-version"
    | "secret-missing"
    | "secret-expired"
    | "secret-expiring"
    | "unmanaged-secrets"
    | "rotation-blocked"
    | "rotation-missed"
    | "service-principal-missing"
    | "admin-consent-missing"
    | "secret-rejected"
    | "application-unknown"
    | "secret-probe-failed"
    | "owner-missing"
    | "nocobase-secret-missing"
    | "nocobase-key-id-stale"
    | "nocobase-restart-pending"
    | "nocobase-api-key-expiring"
    | "nocobase-api-key-expired"
    | "pasted-secret-missing"
    | "pasted-secret-expired"
    | "paste-due";

type Severity = "error" | "warning";

export interface Finding {
    readonly code: FindingCode;
    readonly severity: Severity;
    /** What is wrong, with the offending values (never a secret). */
    readonly message: string;
    /** What to do about it, in the user's terms. */
    readonly fix: string;
}

type Outcome = "healthy" | "findings" | "unchecked";

/** What a stack in pasted mode reports about its Email Settings (absent: none). */
export interface PastedSecretReport {
    /** Key ID an administrator confirmed pasting. */
    readonly confirmedKeyId?: string;
    /** When it expires, as Microsoft holds it (or as the outputs recorded it when it is gone). */
    readonly confirmedExpiresAt?: string;
    /** A newer secret awaiting pasting, and since when. */
    readonly awaitingKeyId?: string;
    readonly awaitingSince?: string;
    /** Paste and confirm the awaiting secret before this instant. */
    readonly pasteBy?: string;
}

export interface EnvironmentReport {
    /** Stack name from the outputs, or the source when the outputs could not be read. */
    readonly environment: string;
    /** File name or "stdin". */
    readonly source: string;
    readonly tenantId?: string;
    readonly clientId?: string;
    readonly outcome: Outcome;
    readonly findings: readonly Finding[];
    /** Why the environment could not be checked (outcome "unchecked"). */
    readonly error?: string;
    /** Pasted Email Settings: the confirmed secret and any awaiting paste; absent when Email Settings read variables. */
    readonly pastedSecret?: PastedSecretReport;
}

/**
 * The commands' one contract: 0 all healthy, 1 findings or an environment that could not be checked,
 * 2 nothing to check (an empty input, like a usage mistake).
 */
export function exitCodeFor(reports: readonly EnvironmentReport[]): 0 | 1 | 2 {
    if (reports.length === 0) {
        return 2;
    }
    return reports.every((r) => r.outcome === "healthy") ? 0 : 1;
}
