/**
 * The live line per stack. On a terminal the block of lines is redrawn in place twice a second (queued,
 * running with its resources done and time so far, then the result); elsewhere (CI logs) one line is
 * printed when a stack starts and one when it ends, so the log reads in order.
 */
import type { FleetOperation, StackResult } from "./fleet-report";

interface Line {
    state: "queued" | "running" | "done";
    startedAt?: number;
    resources: number;
    result?: StackResult;
}

export class FleetProgress {
    private readonly lines = new Map<string, Line>();
    private readonly width: number;
    private drawn = 0;
    private done = 0;
    private readonly timer: NodeJS.Timeout | undefined;

    constructor(private readonly operation: FleetOperation, stacks: readonly string[],
        private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {
        stacks.forEach((stack) => this.lines.set(stack, { state: "queued", resources: 0 }));
        this.width = Math.max(5, ...stacks.map((s) => s.length));
        if (out.isTTY === true) {
            this.timer = setInterval(() => this.draw(), 500);
            this.timer.unref();
        }
    }

    started(stack: string): void {
        const line = this.line(stack);
        line.state = "running";
        line.startedAt = Date.now();
        if (this.out.isTTY !== true) {
            this.out.write(`fleet ${this.operation}: ${stack} started\n`);
        }
    }

    resources(stack: string, count: number): void {
        this.line(stack).resources = count;
    }

    finished(result: StackResult): void {
        const line = this.line(result.stack);
        line.state = "done";
        line.result = result;
        this.done++;
        if (this.out.isTTY !== true) {
            this.out.write(`fleet ${this.operation}: [${this.done}/${this.lines.size}] ${this.describe(result.stack, line)}\n`);
        }
    }

    close(): void {
        if (this.timer !== undefined) {
            clearInterval(this.timer);
            this.draw();
        }
    }

    private line(stack: string): Line {
        const line = this.lines.get(stack);
        if (line === undefined) {
            throw new Error(`fleet progress: unknown stack ${stack}`);
        }
        return line;
    }

    private describe(stack: string, line: Line): string {
        const name = stack.padEnd(this.width);
        if (line.state === "queued") {
            return `${name}  queued`;
        }
        const seconds = (((line.result?.durationMs) ?? (Date.now() - (line.startedAt ?? Date.now()))) / 1000).toFixed(1);
        if (line.state === "running") {
            return `${name}  running   ${line.resources} resources  ${seconds} s`;
        }
        const status = line.result?.status ?? "failed";
        return `${name}  ${status.padEnd(9)} ${seconds} s${line.result?.reason === undefined ? "" : `  ${line.result.reason}`}`;
    }

    private draw(): void {
        // Move up over the last drawing, then rewrite each line, clearing what a longer line left.
        const text = [...this.lines].map(([stack, line]) => `\x1b[2K${this.describe(stack, line)}`).join("\n");
        this.out.write(`${this.drawn > 0 ? `\x1b[${this.drawn}F` : ""}${text}\n`);
        this.drawn = this.lines.size;
    }
}
