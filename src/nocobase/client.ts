/**
 * A small client for the part of NocoBase's HTTP API this project uses: "Variables and secrets"
 * (plugin-environment-variables), authenticated by an API key.
 *
 * Every call has a timeout. Connection refused/reset and 502/503/504 (NocoBase answers 503 APP_COMMANDING
 * while it starts or restarts) are retried with exponential backoff up to a bound; 400/401/403/404 are
 * final. Errors name NocoBase, the operation, the setting to fix and how; they never contain the API key
 * or a value sent in a request, because the server's own messages are redacted before they are quoted.
 */

export type VariableType = "default" | "secret";

export interface NocobaseVariable {
    readonly name: string;
    readonly type: VariableType;
    /** Plain value for `default`; for `secret`, `get` returns ciphertext and `list` returns null. */
    readonly value: string | null;
}

/** One HTTP exchange, reported to `onRequest` (for counting); carries no values. */
export interface NocobaseRequestEvent {
    readonly operation: string;
    readonly kind: "read" | "write";
    readonly attempt: number;
    /** HTTP status, or how the attempt failed without one. */
    readonly outcome: number | "network-error" | "timeout";
}

export interface NocobaseClientOptions {
    /** Base URL of the HTTP API, ending in /api. */
    readonly apiUrl: string;
    readonly apiToken: string;
    /**
     * Sub-application of NocoBase's multi-app manager, sent as the `X-App` header NocoBase's gateway
     * routes by (each application has its own variables). Default: the main application.
     */
    readonly appName?: string;
    /** How the user sets the API key, quoted in 401/403 errors, e.g. a `pulumi config set` command. */
    readonly apiTokenHint: string;
    /** How the user sets the API URL, quoted when NocoBase cannot be reached. */
    readonly apiUrlHint: string;
    /** Per attempt. Default 10 s. */
    readonly timeoutMs?: number;
    /** Attempts for transient failures, the first included. Default 6 (about 8 s of backoff in all). */
    readonly maxAttempts?: number;
    /** First backoff delay, doubled after each attempt up to 4 s. Default 250 ms. */
    readonly initialBackoffMs?: number;
    readonly onRequest?: (event: NocobaseRequestEvent) => void;
}

/** A failed NocoBase call; `message` is safe to print. */
export class NocobaseError extends Error {
    constructor(
        message: string,
        readonly operation: string,
        /** HTTP status when NocoBase answered. */
        readonly status: number | undefined,
        /** NocoBase's error code (e.g. INVALID_TOKEN) or the network error code. */
        readonly code: string | undefined,
    ) {
        super(message);
        this.name = "NocobaseError";
    }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_INITIAL_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;
const REFRESH_DEADLINE_MS = 60_000;
// Arrays, not Sets: Pulumi's closure serialization of the provider turns a Set into an empty object.
const RETRIED_STATUSES: readonly number[] = [502, 503, 504];
const RETRIED_NETWORK_CODES: readonly string[] = ["ECONNREFUSED", "ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"];
const REDACTED = "[redacted]";

interface Call {
    readonly operation: string;
    readonly kind: "read" | "write";
    /** Path after the API base, e.g. `environmentVariables:get`. */
    readonly action: string;
    readonly query?: Readonly<Record<string, string>>;
    readonly body?: Readonly<Record<string, unknown>>;
    /** Strings from the request that must never be quoted back (values being written). */
    readonly sensitive?: readonly string[];
}

interface Answer {
    readonly status: number;
    readonly body: unknown;
}

export class NocobaseClient {
    private readonly apiUrl: string;
    private readonly options: NocobaseClientOptions;

    constructor(options: NocobaseClientOptions) {
        this.options = options;
        this.apiUrl = options.apiUrl.trim().replace(/\/+$/, "");
    }

    async listVariables(): Promise<NocobaseVariable[]> {
        const answer = await this.call({
            operation: "listing variables", kind: "read", action: "environmentVariables:list",
        });
        const data = dataOf(answer.body);
        if (!Array.isArray(data)) {
            throw this.unexpected("listing variables", answer);
        }
        return data.map((item) => this.toVariable(item, "listing variables", answer));
    }

    /** The variable, or undefined when NocoBase has none of that name. */
    async getVariable(name: string): Promise<NocobaseVariable | undefined> {
        const operation = `reading variable ${name}`;
        const answer = await this.call({
            operation, kind: "read", action: "environmentVariables:get", query: { filterByTk: name },
        });
        const data = dataOf(answer.body);
        return data === null || data === undefined ? undefined : this.toVariable(data, operation, answer);
    }

    async createVariable(name: string, type: VariableType, value: string): Promise<void> {
        const operation = `creating ${variableKind(type)} ${name}`;
        const answer = await this.call({
            operation, kind: "write", action: "environmentVariables:create",
            body: { name, type, value }, sensitive: [value],
        });
        const data = dataOf(answer.body);
        if (typeof data !== "object" || data === null) {
            throw this.unexpected(operation, answer);
        }
    }

    /**
     * Replaces type and value together: an update that sets type `secret` without a value leaves the old
     * value stored in plaintext. Returns false when NocoBase has no variable of that name (it answers 200
     * with an empty list rather than an error).
     */
    async updateVariable(name: string, type: VariableType, value: string): Promise<boolean> {
        const operation = `updating ${variableKind(type)} ${name}`;
        const answer = await this.call({
            operation, kind: "write", action: "environmentVariables:update", query: { filterByTk: name },
            body: { type, value }, sensitive: [value],
        });
        const data = dataOf(answer.body);
        if (!Array.isArray(data)) {
            throw this.unexpected(operation, answer);
        }
        return data.length > 0;
    }

    /** Returns false when there was nothing of that name to remove. */
    async destroyVariable(name: string): Promise<boolean> {
        const operation = `removing variable ${name}`;
        const answer = await this.call({
            operation, kind: "write", action: "environmentVariables:destroy", query: { filterByTk: name },
        });
        const data = dataOf(answer.body);
        if (typeof data !== "number") {
            throw this.unexpected(operation, answer);
        }
        return data > 0;
    }

    /**
     * Restarts NocoBase's application (`app:refresh`) and waits until it serves again. Some consumers
     * render `{{$env.NAME}}` once when they load (notification channels do, at start and when saved), so
     * a changed value reaches them only after this restart. NocoBase answers 503 for about 2 s meanwhile.
     */
    async refreshApp(): Promise<void> {
        await this.call({ operation: "restarting the NocoBase application (app:refresh)", kind: "write", action: "app:refresh", body: {} });
        const deadline = Date.now() + REFRESH_DEADLINE_MS;
        for (;;) {
            // The list answers once the restart is over; `meta.updated` stays true until it is.
            const answer = await this.call({
                operation: "waiting for NocoBase to finish restarting", kind: "read", action: "environmentVariables:list",
            });
            const meta = typeof answer.body === "object" && answer.body !== null ? (answer.body as Record<string, unknown>).meta : undefined;
            if ((meta as { updated?: unknown } | undefined)?.updated !== true) {
                return;
            }
            if (Date.now() > deadline) {
                throw new NocobaseError(
                    `NocoBase at ${this.apiUrl} still reports unapplied variable changes ${seconds(REFRESH_DEADLINE_MS)} after app:refresh. ` +
                    "Fix: restart NocoBase, then run again.", "waiting for NocoBase to finish restarting", answer.status, "NOT_REFRESHED");
            }
            await new Promise((resolve) => setTimeout(resolve, 500));
        }
    }

    private toVariable(raw: unknown, operation: string, answer: Answer): NocobaseVariable {
        if (typeof raw !== "object" || raw === null) {
            throw this.unexpected(operation, answer);
        }
        const record = raw as Record<string, unknown>;
        const type = record.type;
        if (typeof record.name !== "string" || (type !== "default" && type !== "secret")) {
            throw this.unexpected(operation, answer);
        }
        const value = typeof record.value === "string" ? record.value : null;
        return { name: record.name, type, value };
    }

    private async call(call: Call): Promise<Answer> {
        const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
        let backoffMs = this.options.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS;
        const url = new URL(`${this.apiUrl}/${call.action}`);
        for (const [key, value] of Object.entries(call.query ?? {})) {
            url.searchParams.set(key, value);
        }
        const started = Date.now();
        for (let attempt = 1; ; attempt++) {
            const outcome = await this.attempt(call, url, attempt);
            if (!(outcome instanceof NocobaseError)) {
                return outcome;
            }
            const transient = outcome.status === undefined
                ? outcome.code !== undefined && RETRIED_NETWORK_CODES.includes(outcome.code)
                : RETRIED_STATUSES.includes(outcome.status);
            if (!transient) {
                throw outcome;
            }
            if (attempt >= maxAttempts) {
                throw new NocobaseError(
                    `${outcome.message} (gave up after ${attempt} attempts over ${seconds(Date.now() - started)})`,
                    outcome.operation, outcome.status, outcome.code);
            }
            await new Promise((resolve) => setTimeout(resolve, backoffMs));
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
    }

    /** One HTTP exchange: the answer when 2xx, otherwise the error it amounts to (not thrown). */
    private async attempt(call: Call, url: URL, attempt: number): Promise<Answer | NocobaseError> {
        const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        const report = (outcome: NocobaseRequestEvent["outcome"]) =>
            this.options.onRequest?.({ operation: call.operation, kind: call.kind, attempt, outcome });
        let status: number;
        let text: string;
        try {
            const response = await fetch(url, {
                method: call.body === undefined && call.kind === "read" ? "GET" : "POST",
                headers: {
                    Authorization: `Bearer ${this.options.apiToken}`,
                    Accept: "application/json",
                    ...(this.options.appName === undefined ? {} : { "X-App": this.options.appName }),
                    ...(call.body === undefined ? {} : { "Content-Type": "application/json" }),
                },
                body: call.body === undefined ? undefined : JSON.stringify(call.body),
                signal: AbortSignal.timeout(timeoutMs),
            });
            status = response.status;
            text = await response.text();
        } catch (err) {
            if (isTimeout(err)) {
                report("timeout");
                // Not retried: repeating a slow call would multiply the wait by the attempts.
                return new NocobaseError(
                    `NocoBase did not answer ${call.operation} within ${seconds(timeoutMs)} at ${this.apiUrl}. ` +
                    "Fix: check that NocoBase is running and healthy (GET /api/__health_check answers ok) and " +
                    `that ${this.options.apiUrlHint} points at it, then run again.`,
                    call.operation, undefined, "TIMEOUT");
            }
            report("network-error");
            const code = networkCode(err);
            return new NocobaseError(
                `Could not reach NocoBase at ${this.apiUrl} for ${call.operation} (${code ?? "network error"}). ` +
                `Fix: start NocoBase, or correct ${this.options.apiUrlHint}, then run again.`,
                call.operation, undefined, code);
        }
        report(status);
        const body = parseJson(text);
        return status >= 200 && status < 300 ? { status, body } : this.httpError(call, status, body, text);
    }

    private httpError(call: Call, status: number, body: unknown, text: string): NocobaseError {
        const { code, message: serverMessage } = errorOf(body);
        const quoted = this.redact(serverMessage ?? text.slice(0, 200), call.sensitive ?? []);
        const detail = [String(status), code].filter((part) => part !== undefined && part !== "").join(" ");
        const app = this.options.appName;
        const at = `${call.operation} at ${this.apiUrl}${app === undefined ? "" : ` (sub-application ${app})`}`;
        let message: string;
        // The gateway answers 503 APP_PREPARING while it tries to start an application it does not know,
        // then 404 APP_NOT_FOUND.
        const appMissing = app !== undefined && (code === "APP_NOT_FOUND" || code === "APP_PREPARING");
        switch (appMissing ? "app-missing" : status) {
            case "app-missing":
                message = `NocoBase could not serve the sub-application ${String(app)} for ${at} (${detail}). ` +
                    `Fix: check that a sub-application named ${String(app)} exists and is running in NocoBase's ` +
                    "application manager, or correct nocobase-entra-mail:nocobaseSubApp, then run again.";
                break;
            case 401:
                message = `NocoBase refused the API key (${detail}) when ${at}. ` +
                    "Fix: create an API key in NocoBase (Settings → API keys) for a role allowed to manage " +
                    `Variables and secrets, and set it with ${this.options.apiTokenHint}.`;
                break;
            case 403:
                message = `NocoBase denied ${at} (${detail}): the API key's role may not manage Variables and secrets. ` +
                    "Fix: in NocoBase (Settings → Users & Permissions → Roles) give that role the system " +
                    "permission \"Variables and secrets\" (ACL snippet pm.environment-variables), or set a key of " +
                    `such a role with ${this.options.apiTokenHint}.`;
                break;
            case 404:
                message = `NocoBase has no such endpoint: ${at} answered 404. ` +
                    `Fix: make ${this.options.apiUrlHint} the NocoBase URL followed by /api, and enable the ` +
                    "plugin Variables and secrets (@nocobase/plugin-environment-variables).";
                break;
            case 400:
                message = `NocoBase rejected ${at} (${detail}: ${quoted}). ` +
                    "Fix: variable names must start with a letter and contain only letters, digits and _; " +
                    "correct the configured name and run again.";
                break;
            default:
                if (RETRIED_STATUSES.includes(status)) {
                    message = `NocoBase was unavailable for ${at} (${detail}${code === "APP_COMMANDING" ? ", starting or restarting" : ""}). ` +
                        "Fix: wait until NocoBase is up (GET /api/__health_check answers ok), then run again.";
                } else {
                    message = `NocoBase failed ${at} (${detail}: ${quoted}). Fix: check NocoBase's server log, then run again.`;
                }
        }
        return new NocobaseError(message, call.operation, status, code);
    }

    private unexpected(operation: string, answer: Answer): NocobaseError {
        return new NocobaseError(
            `NocoBase answered ${operation} at ${this.apiUrl} with an unexpected response (HTTP ${answer.status}). ` +
            "Fix: check that the URL is NocoBase's API (it ends in /api) and that NocoBase is version 2.x.",
            operation, answer.status, "UNEXPECTED_RESPONSE");
    }

    private redact(message: string, sensitive: readonly string[]): string {
        let safe = message;
        for (const value of [this.options.apiToken, ...sensitive]) {
            if (value !== "") {
                safe = safe.split(value).join(REDACTED);
            }
        }
        return safe;
    }
}

function variableKind(type: VariableType): string {
    return type === "secret" ? "secret" : "variable";
}

function dataOf(body: unknown): unknown {
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>).data : undefined;
}

/** NocoBase answers errors as `{errors:[{message,code}]}` or, while starting, `{error:{code}}`. */
function errorOf(body: unknown): { code?: string; message?: string } {
    if (typeof body !== "object" || body === null) {
        return {};
    }
    const record = body as Record<string, unknown>;
    const first: unknown = Array.isArray(record.errors) ? record.errors[0] : record.error;
    if (typeof first !== "object" || first === null) {
        return {};
    }
    const { code, message } = first as Record<string, unknown>;
    return {
        code: typeof code === "string" ? code : undefined,
        message: typeof message === "string" ? message : undefined,
    };
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

function isTimeout(err: unknown): boolean {
    return err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
}

/** fetch wraps socket errors: `TypeError("fetch failed", { cause: { code } })`. */
function networkCode(err: unknown): string | undefined {
    let current: unknown = err;
    for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
        const code = (current as { code?: unknown }).code;
        if (typeof code === "string") {
            return code;
        }
        current = (current as { cause?: unknown }).cause;
    }
    return undefined;
}

function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
}
