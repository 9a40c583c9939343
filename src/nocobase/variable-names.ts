/**
 * Pure checks of the NocoBase settings a deployer gives: variable names and the API URL. Each returns a
 * problem in words a user can act on, or null; the caller adds which key it came from and how to fix it.
 */

/** NocoBase's own rule for "Variables and secrets" names (plugin-environment-variables, VAR_NAME_RE). */
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** NocoBase stores names in a varchar(255) column. */
const MAX_VARIABLE_NAME_LENGTH = 255;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Default names of the two variables the Email settings reference as `{{$env.NAME}}`. */
export const DEFAULT_CLIENT_ID_VARIABLE = "MICROSOFT_EMAIL_CLIENT_ID";
export const DEFAULT_CLIENT_SECRET_VARIABLE = "MICROSOFT_EMAIL_CLIENT_SECRET";

export function variableNameProblem(name: string): string | null {
    if (name === "") {
        return "is empty";
    }
    if (name.length > MAX_VARIABLE_NAME_LENGTH) {
        return `is ${name.length} characters long; NocoBase accepts at most ${MAX_VARIABLE_NAME_LENGTH}`;
    }
    if (!VARIABLE_NAME.test(name)) {
        return `"${name}" is not a NocoBase variable name: it must start with a letter and contain only letters, digits and _`;
    }
    return null;
}

/** Both variables live in one namespace: the same name for both would store the secret over the client ID. */
export function variableNamesProblem(clientIdVariable: string, clientSecretVariable: string): string | null {
    return clientIdVariable === clientSecretVariable
        ? `the client ID and the client secret would both be written to "${clientIdVariable}"; give them different names`
        : null;
}

/**
 * Checks the base URL of NocoBase's HTTP API. The API key travels with every request, so plain http is
 * accepted only on this machine's loopback.
 */
export function apiUrlProblem(raw: string): string | null {
    const text = raw.trim();
    if (text === "") {
        return "is empty";
    }
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return `"${text}" is not an absolute URL (expected e.g. https://crm.example.com/api)`;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        return `uses the scheme ${url.protocol.replace(/:$/, "")}; use https`;
    }
    if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
        return "uses http for a host other than localhost, which would send the API key unencrypted; use https";
    }
    if (url.username !== "" || url.password !== "") {
        return "contains a user name or password; the API key is the only credential NocoBase needs";
    }
    if (url.search !== "" || text.endsWith("?")) {
        return "contains a query string (?...); give the API's base URL only";
    }
    if (url.hash !== "" || text.endsWith("#")) {
        return "contains a fragment (#...); give the API's base URL only";
    }
    if (!/\/api\/?$/.test(url.pathname)) {
        return `"${text}" does not end in /api; NocoBase serves its HTTP API under <NocoBase URL>/api`;
    }
    return null;
}

/** The API URL without surrounding blanks or a trailing slash, for building request URLs. */
export function normaliseApiUrl(raw: string): string {
    return raw.trim().replace(/\/+$/, "");
}
