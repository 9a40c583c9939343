/**
 * Failures of `@azure/identity` credentials, as `MicrosoftServiceError`s of the Microsoft identity
 * platform, with the `AADSTS` code when the token endpoint gave one. Whose credential failed decides the
 * fix: the identity a command signs in with (the doctor's, the bootstrap's) is repaired in the
 * environment or with `az login`; the stack's client secret is repaired with `pulumi up`.
 */
import { MicrosoftServiceError } from "./service-error";

const AADSTS_PATTERN = /AADSTS(\d+)/;

/** Whose credential was refused. */
type CredentialRole =
    /** The identity the command itself signs in with (`DefaultAzureCredential`). */
    | "caller"
    /** The stack's client secret, tried by the doctor's `--probe-secret`. */
    | "stack-secret";

const CALLER = "the identity this command signs in with";
const CALLER_SETTINGS = "AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE, or az login";

/** Fixes for the identity platform errors people meet with this tool, per credential. */
const AADSTS_FIXES: Readonly<Record<CredentialRole, Readonly<Record<number, string>>>> = {
    "stack-secret": {
        7000215: "the stack's client secret is wrong: give the doctor the outputs of pulumi stack output --json --show-secrets " +
            "(the secret's value, not its ID), or run pulumi up to rotate it",
        7000222: "the stack's client secret has expired: run pulumi up to rotate it",
        700016: "the application is not in this tenant: check clientId and tenantId in the stack outputs, or re-create it with pulumi up",
        7000229: "the application has no service principal in this tenant: run pulumi up (the stack creates it)",
        90002: "the tenant does not exist: check tenantId in the stack outputs",
    },
    caller: {
        7000215: `the client secret of ${CALLER} is wrong: set AZURE_CLIENT_SECRET to the current secret's value (not its ID) ` +
            "of the application AZURE_CLIENT_ID names, or sign in with az login instead. This is not the stack's secret",
        7000222: `the client secret of ${CALLER} has expired: create a new one for the application AZURE_CLIENT_ID names ` +
            "and set AZURE_CLIENT_SECRET, or use a federated credential (AZURE_FEDERATED_TOKEN_FILE)",
        700016: `${CALLER} is not registered in this tenant: sign in with an identity of the stack's tenant ` +
            "(AZURE_TENANT_ID and AZURE_CLIENT_ID of an application in it, or az login --tenant <tenant ID>)",
        7000229: `${CALLER} has no service principal in this tenant: create it (az ad sp create --id <AZURE_CLIENT_ID>) ` +
            "or sign in with an identity of the stack's tenant",
        70021: "no federated identity credential matches this workflow: run nocobase-entra-mail bootstrap-deployer for this repository and environment",
        90002: "the tenant does not exist: check AZURE_TENANT_ID and the stack outputs' tenantId",
    },
};

/** Signs that no answer arrived: MSAL's and Node's names for a connection that failed. */
const NETWORK_FAILURE = /\b(endpoints_resolution_error|openid_config_error|network_error|network_request_failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_[A-Z_]+|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|socket hang up|fetch failed)\b/;

interface ErrorShape {
    readonly name?: string;
    readonly message?: string;
    readonly statusCode?: number;
    readonly errorResponse?: { readonly error?: string; readonly errorDescription?: string; readonly errorCodes?: readonly number[] };
    readonly cause?: { readonly errorNo?: number | string; readonly errorCode?: string; readonly status?: number; readonly code?: string; readonly message?: string };
    readonly errors?: readonly unknown[];
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

/** All the text an identity error carries, nested errors included, to recognise what happened. */
function textOf(err: unknown, depth = 0): string {
    if (err === null || typeof err !== "object" || depth > 3) {
        return "";
    }
    const shape = err as ErrorShape;
    return [shape.message, shape.errorResponse?.errorDescription, shape.cause?.code, shape.cause?.message,
        textOf(shape.cause, depth + 1), ...(shape.errors ?? []).map((e) => textOf(e, depth + 1))]
        .filter((t): t is string => typeof t === "string" && t !== "").join(" ");
}

/** Microsoft's description of the failure: its first line, without MSAL's framing. */
function describe(shape: ErrorShape): string {
    const text = shape.errorResponse?.errorDescription ?? shape.message ?? "unknown failure";
    const aadsts = AADSTS_PATTERN.exec(text);
    const fromCode = aadsts ? text.slice(aadsts.index) : text;
    return fromCode.split(/\r?\n| - Correlation ID| - Trace ID|\. Trace ID| Trace ID:/)[0];
}

/**
 * The HTTP status of the token endpoint's answer when the error really carries it. `@azure/identity`'s
 * chained credentials rewrap every failure as status 400 ("... authentication failed"), which would
 * report a refused secret and an unreachable endpoint alike as "HTTP 400".
 */
function realStatus(shape: ErrorShape): number | undefined {
    if (shape.cause?.status !== undefined) {
        return shape.cause.status;
    }
    const rewrapped = /authentication failed/i.test(shape.errorResponse?.error ?? "");
    return rewrapped ? undefined : shape.statusCode;
}

export function identityFailure(err: unknown, operation: string, role: CredentialRole = "caller"): MicrosoftServiceError {
    if (err instanceof MicrosoftServiceError) {
        return err;
    }
    const service = "Microsoft identity platform";
    const shape = (err ?? {}) as ErrorShape;
    const name = shape.name ?? "Error";
    const networkFix = "the token endpoint could not be reached: check the network path to the identity platform " +
        "(AZURE_AUTHORITY_HOST, DNS, proxy, firewall, TLS inspection) and retry";
    if (name === "AbortError" || name === "TimeoutError") {
        return new MicrosoftServiceError({
            service, operation, status: undefined, code: "Timeout", detail: "no token within the time limit", fix: networkFix,
        });
    }
    const aadsts = aadstsCode(err);
    const network = aadsts === undefined ? NETWORK_FAILURE.exec(textOf(err)) : null;
    if (network) {
        return new MicrosoftServiceError({
            service, operation, status: undefined, code: "NetworkError",
            detail: `no answer from the token endpoint (${network[1]})`, fix: networkFix,
        });
    }
    if (aadsts === undefined && (name === "CredentialUnavailableError" || name === "AggregateAuthenticationError")) {
        return new MicrosoftServiceError({
            service, operation, status: undefined, code: name,
            detail: "no usable credential was found (environment variables, workload identity, managed identity, Azure CLI)",
            fix: "sign in with az login, or set AZURE_CLIENT_ID and AZURE_TENANT_ID with AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE",
        });
    }
    const status = realStatus(shape);
    const fixes = AADSTS_FIXES[role];
    const generic = role === "caller"
        ? `read the identity platform's message above and correct ${CALLER} (${CALLER_SETTINGS})`
        : "read the identity platform's message above; run pulumi up if the stack's secret is no longer valid";
    return new MicrosoftServiceError({
        service, operation, status, answered: status === undefined,
        code: aadsts !== undefined ? `AADSTS${aadsts}` : (shape.cause?.errorCode ?? name),
        detail: describe(shape),
        fix: (aadsts !== undefined ? fixes[aadsts] : undefined) ?? generic,
        ...(aadsts !== undefined ? { aadsts } : {}),
    });
}
