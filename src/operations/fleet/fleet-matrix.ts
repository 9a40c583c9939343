/**
 * The stack selection as a GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(...) }}`): one job per
 * stack, or, beyond the jobs one matrix may have (256), shards of several stacks each, which the job runs
 * with `npm run fleet -- up <stacks>`.
 */

export interface MatrixJob {
    /** Job label: the stack, or `shard-<n>-of-<m>`. */
    readonly name: string;
    /** The job's stacks, separated by spaces (stack names hold no spaces). */
    readonly stacks: string;
}

export interface GithubMatrix {
    readonly include: readonly MatrixJob[];
}

export function buildMatrix(stacks: readonly string[], maxJobs: number): GithubMatrix {
    if (stacks.length <= maxJobs) {
        return { include: stacks.map((stack) => ({ name: stack, stacks: stack })) };
    }
    // Even shards: sizes differ by at most one stack, in the selection's order.
    const jobs = maxJobs;
    const include: MatrixJob[] = [];
    let start = 0;
    for (let job = 0; job < jobs; job++) {
        const size = Math.floor(stacks.length / jobs) + (job < stacks.length % jobs ? 1 : 0);
        include.push({ name: `shard-${job + 1}-of-${jobs}`, stacks: stacks.slice(start, start + size).join(" ") });
        start += size;
    }
    return { include };
}
