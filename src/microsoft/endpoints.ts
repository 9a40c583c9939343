/**
 * Where Microsoft's services are. Microsoft's public cloud by default; `AZURE_AUTHORITY_HOST` and
 * `GRAPH_BASE_URL` point at a national cloud or at the test emulator.
 */
import { quoteForeign } from "../redaction";

const PUBLIC_AUTHORITY_HOST = "https://login.microsoftonline.com";
const PUBLIC_GRAPH_BASE_URL = "https://graph.microsoft.com";

const MICROSOFT_AUTHORITY_HOSTS: readonly string[] = [
    "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
];

export interface MicrosoftEndpoints {
    /** Microsoft identity platform host, e.g. `https://login.microsoftonline.com` (no trailing slash). */
    readonly authorityHost: string;
    /** Microsoft Graph base URL without the version segment, e.g. `https://graph.microsoft.com`. */
    readonly graphBaseUrl: string;
    /** Host name of `graphBaseUrl`, the form the Graph client's `customHosts` wants. */
    readonly graphHost: string;
    /** Scope for an app-only Graph token: `<graph origin>/.default`. */
    readonly graphScope: string;
    /** Whether the authority is one of Microsoft's clouds; MSAL's instance discovery knows only those. */
    readonly isMicrosoftAuthority: boolean;
}

function parseHttpsUrl(value: string, variable: string): URL {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new Error(`${variable}=${quoteForeign(value)} is not a URL. Set it to an https URL such as ` +
            `${variable === "AZURE_AUTHORITY_HOST" ? PUBLIC_AUTHORITY_HOST : PUBLIC_GRAPH_BASE_URL}, or unset it.`);
    }
    // Microsoft's SDKs refuse plain http for the authority, and a bearer token must not travel unencrypted.
    if (url.protocol !== "https:") {
        throw new Error(`${variable}=${quoteForeign(value)} must use https. Unset it to use Microsoft's public cloud.`);
    }
    return url;
}

/** Reads the endpoints from the environment (or any variable map, for tests). */
export function resolveMicrosoftEndpoints(env: NodeJS.ProcessEnv = process.env): MicrosoftEndpoints {
    const authority = parseHttpsUrl(env.AZURE_AUTHORITY_HOST || PUBLIC_AUTHORITY_HOST, "AZURE_AUTHORITY_HOST");
    const graph = parseHttpsUrl(env.GRAPH_BASE_URL || PUBLIC_GRAPH_BASE_URL, "GRAPH_BASE_URL");
    const authorityHost = authority.origin + authority.pathname.replace(/\/+$/, "");
    const graphBaseUrl = (graph.origin + graph.pathname).replace(/\/+$/, "").replace(/\/(v1\.0|beta)$/, "");
    return {
        authorityHost,
        graphBaseUrl,
        graphHost: graph.hostname,
        graphScope: `${graph.origin}/.default`,
        isMicrosoftAuthority: MICROSOFT_AUTHORITY_HOSTS.includes(authority.hostname),
    };
}
