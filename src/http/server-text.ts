/** Quoting text a server sent back, which may echo what we sent (a gateway page quoting the request body). */

export const REDACTED = "[redacted]";

/**
 * Removes every sensitive value, THEN shortens to `maxLength`: cutting first could leave the start of a
 * secret that straddles the cut, which no longer matches the whole value and would escape redaction.
 */
export function quoteServerText(text: string, sensitive: readonly string[], maxLength = 200): string {
    let safe = text;
    for (const value of sensitive) {
        if (value !== "") {
            safe = safe.split(value).join(REDACTED);
        }
    }
    const oneLine = safe.replace(/\s+/g, " ").trim();
    return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength)}…` : oneLine;
}
