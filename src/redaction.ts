/**
 * The one way to quote text we did not write (configuration values, URLs, parser and server messages)
 * in a message: redact whatever may be a credential first, then shorten. In that order, because a cut
 * made first can split a secret so that no rule recognises the half that stays.
 */

/** What replaces a credential. */
export const REDACTED = "[redacted]";

/** Default longest quotation, in characters, after redaction. */
const DEFAULT_QUOTE_LENGTH = 200;

interface RedactionOptions {
    /** Exact values known to be secret (an API key, a client secret); removed wherever they appear. */
    readonly secrets?: readonly string[];
    /** Longest result in characters; longer text is cut and ends in "…". Default 200. */
    readonly maxLength?: number;
}

/** Object IDs and client IDs: identifiers users need to see, never credentials. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shortest known secret worth replacing; shorter values would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * Rules for credentials whose value we do not know, applied in order. Each keeps the part that tells the
 * reader what was there (the scheme, the parameter name) and replaces the rest.
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
    // user:password@ (or token@) in any URL.
    [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s?#@"']*@/gi, `$1${REDACTED}@`],
    // Authorization header values.
    [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
    // JSON Web Tokens (NocoBase API keys are JWTs).
    [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
    // name=value, name: value and "name": "value" whose name says credential.
    [/\b([\w-]*(?:secret|password|passwd|pwd|token|api[_-]?key|apikey|signature|credential|assertion|authorization)[\w-]*)(\s*[:=]\s*|["']\s*:\s*["'])(?!(?:bearer|basic)\s)[^\s"'&,;}]+/gi,
        `$1$2${REDACTED}`],
    // Every value of a URL query: query strings carry keys more often than anything a reader needs.
    [/([?&][^=&#\s"']+=)[^&#\s"']+/g, `$1${REDACTED}`],
];

/**
 * Opaque strings of 20+ characters mixing letters and digits: the shape of keys and client secrets. Path
 * segments are judged one by one, so a long URL is not mistaken for a key.
 */
const OPAQUE_TOKEN = /[A-Za-z0-9_~.+=-]{20,}/g;

function looksLikeCredential(token: string): boolean {
    if (GUID.test(token) || token.includes("..")) {
        return false;
    }
    // Host names are words joined by dots or dashes; keys are not.
    const longestRun = Math.max(...token.split(/[.-]/).map((part) => part.length));
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(token)).length;
    return longestRun >= 16 && (classes === 3 || (classes === 2 && /[0-9]/.test(token) && longestRun >= 24));
}

function cut(text: string, maxLength: number): string {
    const chars = [...text];
    return chars.length <= maxLength ? text : `${chars.slice(0, Math.max(0, maxLength - 1)).join("")}…`;
}

/**
 * Foreign text (a configuration value, a URL, a parser's or server's message) made fit to quote: known secrets, URL credentials, bearer tokens, JWTs, credential-named
 * parameters, query values and key-shaped strings replaced by "[redacted]", then cut to `maxLength`.
 */
export function redactForeignText(text: string, options: RedactionOptions = {}): string {
    let safe = text;
    const secrets = [...new Set(options.secrets ?? [])]
        .filter((s) => s.length >= MIN_SECRET_LENGTH)
        // Longest first, so a secret containing another is removed whole.
        .sort((a, b) => b.length - a.length);
    for (const secret of secrets) {
        safe = safe.split(secret).join(REDACTED);
    }
    for (const [pattern, replacement] of RULES) {
        safe = safe.replace(pattern, replacement);
    }
    safe = safe.replace(OPAQUE_TOKEN, (token) => looksLikeCredential(token) ? REDACTED : token);
    return cut(safe, options.maxLength ?? DEFAULT_QUOTE_LENGTH);
}

/** `redactForeignText` in double quotes, the form messages use to show a value. */
export function quoteForeign(text: string, options: RedactionOptions = {}): string {
    return JSON.stringify(redactForeignText(text, options));
}
