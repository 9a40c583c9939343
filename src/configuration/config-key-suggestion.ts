/** The known configuration key nearest to a mistyped one, for "did you mean" in a refusal. */

/** Edit distance (insertions, deletions, substitutions), ignoring case. */
function editDistance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[y.length];
}

/** The nearest of `known`, or undefined when none is close enough to be the one meant (a third of its length). */
export function closestKey(typed: string, known: readonly string[]): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const key of known) {
        const distance = editDistance(typed, key);
        if (best === undefined || distance < best.distance) {
            best = { key, distance };
        }
    }
    return best !== undefined && best.distance <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}
