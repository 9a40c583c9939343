/**
 * NocoBase's mail OAuth callback: `<origin><public path>[/apps/<sub-app>]/admin/settings/mail/oauth2`.
 * Pure functions: parse what the user configured, derive the redirect URIs the registration must hold.
 */

/** The fixed path NocoBase's Email Manager client returns to after Microsoft's sign-in. */
const MAIL_OAUTH_CALLBACK_PATH = "/admin/settings/mail/oauth2";

/** Characters Microsoft rejects in redirect URIs of personal-account applications. */
const REJECTED_URI_CHARACTERS = ["!", "$", "'", "(", ")", ",", ";"];

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1"]);

/** Sub-application names as NocoBase's multi-app manager accepts them in URLs. */
const SUB_APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A NocoBase base URL: origin plus public path without trailing slash ("" at the root). */
export interface NocobaseBaseUrl {
    readonly origin: string;
    readonly publicPath: string;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/**
 * Parses the URL at which users open NocoBase. The problem text (when not ok) says what is wrong in
 * words a user can act on; the caller adds which key and how to fix.
 */
export function parseNocobaseUrl(raw: string): Parsed<NocobaseBaseUrl> {
    const text = raw.trim();
    if (text === "") {
        return { ok: false, problem: "is empty" };
    }
    if (text.includes("*")) {
        return { ok: false, problem: "contains a wildcard (*); Microsoft accepts no wildcard in redirect URIs" };
    }
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return { ok: false, problem: "is not an absolute URL (expected e.g. https://crm.example.com)" };
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        return { ok: false, problem: `uses the scheme ${url.protocol.replace(/:$/, "")}; only https is accepted` };
    }
    // Microsoft's redirect URI restrictions: "The IPv6 loopback address ([::1]) is not currently supported."
    if (url.hostname === "[::1]") {
        return { ok: false, problem: "uses the IPv6 loopback address [::1], which Microsoft does not support in redirect URIs; use localhost or 127.0.0.1" };
    }
    if (!isHttpsOrLoopback(url)) {
        return { ok: false, problem: "uses http for a host other than localhost; Microsoft requires https" };
    }
    if (url.username !== "" || url.password !== "") {
        return { ok: false, problem: "contains a user name or password; give the address users open, without credentials" };
    }
    if (url.search !== "" || text.endsWith("?")) {
        return { ok: false, problem: "contains a query string (?...); Microsoft accepts none in redirect URIs" };
    }
    if (url.hash !== "" || text.endsWith("#")) {
        return { ok: false, problem: "contains a fragment (#...); Microsoft accepts none in redirect URIs" };
    }
    const publicPath = normalisePath(url.pathname);
    let decodedPath: string;
    try {
        decodedPath = decodeURIComponent(publicPath);
    } catch {
        return { ok: false, problem: "contains a malformed percent-escape (% must be followed by two hexadecimal digits of UTF-8)" };
    }
    const rejected = REJECTED_URI_CHARACTERS.find((c) => decodedPath.includes(c));
    if (rejected !== undefined) {
        return { ok: false, problem: `contains the character ${rejected}, which Microsoft rejects in redirect URIs` };
    }
    if (/(^|\/)admin(\/|$)/.test(publicPath)) {
        return { ok: false, problem: "points into NocoBase's admin pages; give the address NocoBase is served at (its root or public path), not a page" };
    }
    if (/(^|\/)apps\/[^/]+$/.test(publicPath)) {
        return { ok: false, problem: "ends in /apps/<name>; give the main application's URL and the sub-application in nocobaseSubApp" };
    }
    return { ok: true, value: { origin: url.origin, publicPath } };
}

/** Microsoft's scheme rule for web and SPA redirect URIs: https, or http for the loopback host only. */
export function isHttpsOrLoopback(url: URL): boolean {
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

/** Collapses repeated slashes and drops the trailing one, so "/a//b/" and "/a/b" give the same callback. */
function normalisePath(pathname: string): string {
    const collapsed = pathname.replace(/\/{2,}/g, "/");
    return collapsed.endsWith("/") ? collapsed.slice(0, -1) : collapsed;
}

/** Checks a NocoBase sub-application name. */
export function parseSubAppName(raw: string): Parsed<string> {
    const name = raw.trim();
    if (!SUB_APP_NAME.test(name)) {
        return { ok: false, problem: "must be 1-64 letters, digits, '_' or '-', starting with a letter or digit" };
    }
    return { ok: true, value: name };
}

/** The mail OAuth callback of one NocoBase base URL. */
export function mailCallbackUri(base: NocobaseBaseUrl, subApp: string | undefined): string {
    const appPath = subApp === undefined ? "" : `/apps/${subApp}`;
    return `${base.origin}${base.publicPath}${appPath}${MAIL_OAUTH_CALLBACK_PATH}`;
}

/** Callbacks for every base URL, primary first, each once, in a stable order. */
export function mailCallbackUris(bases: readonly NocobaseBaseUrl[], subApp: string | undefined): string[] {
    return [...new Set(bases.map((b) => mailCallbackUri(b, subApp)))];
}
