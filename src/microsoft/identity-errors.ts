/**
 * Failures of `@azure/identity` credentials, as `MicrosoftServiceError`s of the Microsoft identity
 * platform, with the `AADSTS` code when the token endpoint gave one.
 */
import { MicrosoftServiceError } from "./service-error";

const AADSTS_PATTERN = /AADSTS(\d+)/;

/** Fixes for the identity platform errors people meet with this tool. */
const AADSTS_FIXES: Readonly<Record<number, string>> = {
    7000215: "the client secret is wrong: use the secret's value (not its ID) from the stack outputs, or run pulumi up to rotate it",
    7000222: "the client secret has expired: run pulumi up to rotate it",
    700016: "the application is not in this tenant: check clientId and tenantId in the stack outputs, or re-create it with pulumi up",
    7000229: "the application has no service principal in this tenant: run pulumi up (the stack creates it)",
    70021: "no federated identity credential matches this workflow: run npm run bootstrap-deployer for this repository and environment",
    90002: "the tenant does not exist: check the tenant ID",
};

interface ErrorShape {
    readonly name?: string;
    readonly message?: string;
    readonly statusCode?: number;
    readonly errorResponse?: { readonly error?: string; readonly errorDescription?: string; readonly errorCodes?: readonly number[] };
    readonly cause?: { readonly errorNo?: number | string; readonly errorCode?: string; readonly status?: number };
}

/** The `AADSTS` number carried by an identity error, if any. */
export function aadstsCode(err: unknown): number | undefined {
    const shape = (err ?? {}) as ErrorShape;
    const fromCause = Number(shape.cause?.errorNo);
    if (Number.isInteger(fromCause) && fromCause > 0) {
        return fromCause;
    }
    const fromCodes = shape.errorResponse?.errorCodes?.[0];
    if (fromCodes !== undefined) {
        return fromCodes;
    }
    const match = AADSTS_PATTERN.exec(`${shape.errorResponse?.errorDescription ?? ""} ${shape.message ?? ""}`);
    return match ? Number(match[1]) : undefined;
}

/** Microsoft's description of the failure: its first line, without MSAL's framing. */
function describe(shape: ErrorShape): string {
    const text = shape.errorResponse?.errorDescription ?? shape.message ?? "unknown failure";
    const aadsts = AADSTS_PATTERN.exec(text);
    const fromCode = aadsts ? text.slice(aadsts.index) : text;
    return fromCode.split(/\r?\n| - Correlation ID| - Trace ID|\. Trace ID/)[0].slice(0, 400);
}

export function identityFailure(err: unknown, operation: string): MicrosoftServiceError {
    if (err instanceof MicrosoftServiceError) {
        return err;
    }
    const shape = (err ?? {}) as ErrorShape;
    const name = shape.name ?? "Error";
    if (name === "AbortError" || name === "TimeoutError") {
        return new MicrosoftServiceError({
            service: "Microsoft identity platform", operation, status: undefined, code: "Timeout",
            detail: "no token within the time limit",
            fix: "check the network path to the identity platform (AZURE_AUTHORITY_HOST, proxy) and retry",
        });
    }
    if (name === "CredentialUnavailableError" || name === "AggregateAuthenticationError") {
        return new MicrosoftServiceError({
            service: "Microsoft identity platform", operation, status: undefined, code: name,
            detail: "no usable credential was found (environment variables, workload identity, managed identity, Azure CLI)",
            fix: "sign in with az login, or set AZURE_CLIENT_ID and AZURE_TENANT_ID with a federated token " +
                "(AZURE_FEDERATED_TOKEN_FILE) or a client secret (AZURE_CLIENT_SECRET)",
        });
    }
    const aadsts = aadstsCode(err);
    const status = shape.statusCode ?? shape.cause?.status;
    return new MicrosoftServiceError({
        service: "Microsoft identity platform", operation, status,
        code: aadsts !== undefined ? `AADSTS${aadsts}` : (shape.errorResponse?.error ?? shape.cause?.errorCode ?? name),
        detail: describe(shape),
        fix: (aadsts !== undefined ? AADSTS_FIXES[aadsts] : undefined)
            ?? (status === undefined
                ? "check the network path to the identity platform (AZURE_AUTHORITY_HOST, proxy, firewall) and retry"
                : "read the identity platform's message above and correct the credential"),
        ...(aadsts !== undefined ? { aadsts } : {}),
    });
}
