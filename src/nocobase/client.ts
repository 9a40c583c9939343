/**
 * A small client for the part of NocoBase's HTTP API this project uses: "Variables and secrets"
 * (plugin-environment-variables), authenticated by an API key.
 *
 * Every call has one time limit that also covers reading the body, and follows the project's one retry
 * policy (src/http/retry-policy.ts): reads are repeated after 502/503/504 and dropped connections; writes
 * only when they provably did not happen (connection refused, the gateway's 503 while NocoBase restarts).
 * A 2xx that is not NocoBase's JSON answer (a web page served where the API was expected) is refused, so
 * nothing is ever written to a server that did not answer as NocoBase's API does. Errors name NocoBase,
 * the operation, the setting to fix and how; the server's own text is redacted (the API key, values sent)
 * before it is shortened and quoted.
 */
import { apiKeyExpiry } from "./api-key";
import { NoResponseError, timedExchange } from "../http/timed-exchange";
import { decideRetry, parseRetryAfterMs, type AttemptFailure, type RetryPolicy } from "../http/retry-policy";
import { redactForeignText } from "../redaction";

export type VariableType = "default" | "secret";

export interface NocobaseVariable {
    readonly name: string;
    readonly type: VariableType;
    /** Plain value for `default`; null for `secret` (NocoBase's list never returns a secret's value). */
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

/** The variables NocoBase holds, and whether changes wait for a restart (`meta.updated`). */
export interface NocobaseVariableList {
    readonly variables: readonly NocobaseVariable[];
    /** True while changed or removed variables wait for `app:refresh`. */
    readonly restartPending: boolean;
}

interface NocobaseClientOptions {
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
const MAX_RETRY_AFTER_MS = 30_000;
const REFRESH_DEADLINE_MS = 60_000;
const RETRIED_STATUSES: readonly number[] = [502, 503, 504];
/** Codes of NocoBase's gateway: it answered 503 itself, before handing the request to the application. */
const GATEWAY_NOT_DISPATCHED_CODES: readonly string[] = ["APP_COMMANDING", "APP_STARTING", "APP_PREPARING", "APP_INITIALIZING", "APP_STOPPED"];

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
    readonly body: Record<string, unknown>;
}

/** A failed attempt: the error it amounts to and how the retry policy sees it. */
interface FailedAttempt {
    readonly error: NocobaseError;
    readonly failure: AttemptFailure;
}

export class NocobaseClient {
    private readonly apiUrl: string;
    private readonly options: NocobaseClientOptions;

    constructor(options: NocobaseClientOptions) {
        this.options = options;
        this.apiUrl = options.apiUrl.trim().replace(/\/+$/, "");
    }

    /** The API URL the client talks to, without a trailing slash. */
    get url(): string {
        return this.apiUrl;
    }

    /**
     * The named variables NocoBase holds (all of them when `names` is absent), in one read, with NocoBase's
     * own flag for changes that wait for a restart.
     */
    async listVariables(names?: readonly string[]): Promise<NocobaseVariableList> {
        const operation = "listing variables";
        const answer = await this.call({
            operation, kind: "read", action: "environmentVariables:list",
            ...(names === undefined ? {} : { query: { filter: JSON.stringify({ name: { $in: names } }) } }),
        });
        const data = answer.body.data;
        const meta = answer.body.meta;
        if (!Array.isArray(data) || typeof meta !== "object" || meta === null) {
            throw this.unexpected(operation, answer);
        }
        return {
            variables: data.map((item) => this.toVariable(item, operation, answer)),
            restartPending: (meta as Record<string, unknown>).updated === true,
        };
    }

    /**
     * Which NocoBase application answered (`app:getInfo`, public): its name (`main` for the main
     * application) and version. Checked before writing, so a request routed elsewhere writes nothing.
     */
    async applicationInfo(): Promise<{ readonly name: string; readonly version: string }> {
        const operation = "asking which NocoBase application answers (app:getInfo)";
        const answer = await this.call({ operation, kind: "read", action: "app:getInfo" });
        const data = answer.body.data as Record<string, unknown> | undefined;
        if (typeof data?.name !== "string" || typeof data.version !== "string") {
            throw this.unexpected(operation, answer);
        }
        return { name: data.name, version: data.version };
    }

    async createVariable(name: string, type: VariableType, value: string): Promise<void> {
        const operation = `creating ${variableKind(type)} ${name}`;
        const answer = await this.call({
            operation, kind: "write", action: "environmentVariables:create",
            body: { name, type, value }, sensitive: [value],
        });
        const data = answer.body.data;
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
        const data = answer.body.data;
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
        const data = answer.body.data;
        if (typeof data !== "number") {
            throw this.unexpected(operation, answer);
        }
        return data > 0;
    }

    /**
     * Restarts NocoBase's application (`app:refresh`) and waits until it serves again with no change
     * pending. Some consumers render `{{$env.NAME}}` once when they load (notification channels do, at
     * start and when saved), so a changed value reaches them only after this restart. NocoBase answers 503
     * for about 2 s meanwhile.
     */
    async refreshApp(): Promise<void> {
        const operation = "restarting the NocoBase application (app:refresh)";
        await this.call({ operation, kind: "write", action: "app:refresh", body: {} });
        const deadline = Date.now() + REFRESH_DEADLINE_MS;
        for (;;) {
            // The list answers once the restart is over; `meta.updated` stays true until it is. While the
            // application restarts the gateway answers 503 for seconds (longer on a busy machine than one
            // call's retries last), so only the deadline ends the wait.
            let pending = true;
            let last: NocobaseError | undefined;
            try {
                pending = (await this.listVariables()).restartPending;
            } catch (err) {
                if (!(err instanceof NocobaseError) || err.status !== 503) {
                    throw err;
                }
                last = err;
            }
            if (!pending) {
                return;
            }
            if (Date.now() > deadline) {
                throw new NocobaseError(
                    `NocoBase at ${this.apiUrl} ${last === undefined ? "still reports unapplied variable changes" : "is still restarting"} ` +
                    `${seconds(REFRESH_DEADLINE_MS)} after app:refresh. Fix: restart NocoBase, then run again.`,
                    "waiting for NocoBase to finish restarting", last?.status ?? 200, last?.code ?? "NOT_REFRESHED");
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

    private policy(): RetryPolicy {
        const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
        return {
            maxAttempts,
            baseDelayMs: this.options.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS,
            maxDelayMs: MAX_BACKOFF_MS,
            maxRetryAfterMs: MAX_RETRY_AFTER_MS,
            // A restarting NocoBase refuses connections for seconds: as many attempts as for a 503.
            maxNetworkAttempts: maxAttempts,
        };
    }

    private async call(call: Call): Promise<Answer> {
        const policy = this.policy();
        const url = new URL(`${this.apiUrl}/${call.action}`);
        for (const [key, value] of Object.entries(call.query ?? {})) {
            url.searchParams.set(key, value);
        }
        const started = Date.now();
        for (let attempt = 1; ; attempt++) {
            const outcome = await this.attempt(call, url, attempt);
            if (!("error" in outcome)) {
                return outcome;
            }
            const decision = decideRetry(outcome.failure, call.kind, attempt, policy);
            if (decision.retry) {
                await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
                continue;
            }
            const { error } = outcome;
            switch (decision.reason) {
                case "attempts":
                    throw new NocobaseError(`${error.message} (gave up after ${attempt} attempts over ${seconds(Date.now() - started)})`,
                        error.operation, error.status, error.code);
                case "write-may-have-applied":
                    throw new NocobaseError(`${error.message} Not repeated: NocoBase may have applied the write; the next run reads what it holds and finishes the job.`,
                        error.operation, error.status, error.code);
                case "retry-after-over-budget":
                    throw new NocobaseError(`${error.message} (NocoBase asked to wait ${seconds(decision.retryAfterMs ?? 0)}, more than the ${seconds(policy.maxRetryAfterMs)} this run waits)`,
                        error.operation, error.status, error.code);
                default:
                    throw error;
            }
        }
    }

    /** One HTTP exchange: the answer when 2xx and NocoBase's JSON, otherwise the failure it amounts to. */
    private async attempt(call: Call, url: URL, attempt: number): Promise<Answer | FailedAttempt> {
        const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        const report = (outcome: NocobaseRequestEvent["outcome"]) =>
            this.options.onRequest?.({ operation: call.operation, kind: call.kind, attempt, outcome });
        let answer;
        try {
            answer = await timedExchange(url, {
                method: call.body === undefined && call.kind === "read" ? "GET" : "POST",
                headers: {
                    Authorization: `Bearer ${this.options.apiToken}`,
                    Accept: "application/json",
                    ...(this.options.appName === undefined ? {} : { "X-App": this.options.appName }),
                    ...(call.body === undefined ? {} : { "Content-Type": "application/json" }),
                },
                body: call.body === undefined ? undefined : JSON.stringify(call.body),
            }, timeoutMs);
        } catch (err) {
            if (!(err instanceof NoResponseError)) {
                throw err;
            }
            if (err.failure.kind === "timeout") {
                report("timeout");
                return {
                    failure: { kind: "timeout" },
                    error: new NocobaseError(
                        `NocoBase did not answer ${call.operation} within ${seconds(timeoutMs)} at ${this.apiUrl}. ` +
                        "Fix: check that NocoBase is running and healthy (GET /api/__health_check answers ok) and " +
                        `that ${this.options.apiUrlHint} points at it, then run again.`,
                        call.operation, undefined, "TIMEOUT"),
                };
            }
            report("network-error");
            const code = err.failure.code;
            return {
                failure: { kind: "network", sent: err.failure.sent },
                error: new NocobaseError(
                    `Could not reach NocoBase at ${this.apiUrl} for ${call.operation} (${code ?? "network error"}). ` +
                    `Fix: start NocoBase, or correct ${this.options.apiUrlHint}, then run again.`,
                    call.operation, undefined, code),
            };
        }
        report(answer.status);
        const body = parseJson(answer.text);
        if (answer.status < 200 || answer.status >= 300) {
            return this.httpError(call, answer.status, body, answer.text, answer.headers);
        }
        if (typeof body !== "object" || body === null || Array.isArray(body)) {
            return { failure: { kind: "final" }, error: this.notTheApi(call.operation, answer.status, answer.headers) };
        }
        return { status: answer.status, body: body as Record<string, unknown> };
    }

    private httpError(call: Call, status: number, body: unknown, text: string, headers: Headers): FailedAttempt {
        const { code, message: serverMessage } = errorOf(body);
        const quoted = redactForeignText((serverMessage ?? text).replace(/\s+/g, " ").trim(), { secrets: [this.options.apiToken, ...(call.sensitive ?? [])] });
        const detail = [String(status), code].filter((part) => part !== undefined && part !== "").join(" ");
        const app = this.options.appName;
        const at = `${call.operation} at ${this.apiUrl}${app === undefined ? "" : ` (sub-application ${app})`}`;
        let message: string;
        // The gateway answers 503 APP_PREPARING while it tries to start an application it does not know,
        // then 404 APP_NOT_FOUND.
        const appMissing = app !== undefined && (code === "APP_NOT_FOUND" || code === "APP_PREPARING");
        const expiry = apiKeyExpiry(this.options.apiToken);
        const expired = status === 401 && expiry !== undefined && expiry.getTime() <= Date.now();
        switch (appMissing ? "app-missing" : expired ? "expired" : status) {
            case "app-missing":
                message = `NocoBase could not serve the sub-application ${String(app)} for ${at} (${detail}). ` +
                    `Fix: check that a sub-application named ${String(app)} exists and is running in NocoBase's ` +
                    "application manager, or correct nocobase-entra-mail:nocobaseSubApp, then run again.";
                break;
            case "expired":
                message = `NocoBase refused the API key (${detail}) when ${at}: the key expired on ${expiry?.toISOString() ?? ""}. ` +
                    "Fix: create a new API key in NocoBase (Settings → API keys) for a role allowed to manage " +
                    `Variables and secrets, and set it with ${this.options.apiTokenHint}.`;
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
                if (RETRIED_STATUSES.includes(status) || status === 429) {
                    message = `NocoBase was unavailable for ${at} (${detail}${code === "APP_COMMANDING" ? ", starting or restarting" : ""}). ` +
                        "Fix: wait until NocoBase is up (GET /api/__health_check answers ok), then run again.";
                } else {
                    message = `NocoBase failed ${at} (${detail}: ${quoted}). Fix: check NocoBase's server log, then run again.`;
                }
        }
        const error = new NocobaseError(message, call.operation, status, code);
        if (status === 429 || (RETRIED_STATUSES.includes(status) && !appMissing)) {
            const notApplied = status === 429 || (status === 503 && code !== undefined && GATEWAY_NOT_DISPATCHED_CODES.includes(code));
            return { error, failure: { kind: "transient", notApplied, retryAfterMs: parseRetryAfterMs(headers.get("retry-after")) } };
        }
        return { error, failure: { kind: "final" } };
    }

    /** A 2xx that is not NocoBase's JSON: a web page, a proxy's answer. Nothing is written to such a server. */
    private notTheApi(operation: string, status: number, headers: Headers): NocobaseError {
        const type = (headers.get("content-type") ?? "no content type").split(";")[0];
        return new NocobaseError(
            `The server at ${this.apiUrl} did not answer ${operation} as NocoBase's API does (HTTP ${status}, ${type}, not NocoBase's JSON); ` +
            "nothing was written to it. " +
            `Fix: set ${this.options.apiUrlHint} to NocoBase's URL including any public path (APP_PUBLIC_PATH) followed by /api, ` +
            "e.g. https://example.com/nocobase/api, then run again.",
            operation, status, "NOT_NOCOBASE_API");
    }

    private unexpected(operation: string, answer: Answer): NocobaseError {
        return new NocobaseError(
            `NocoBase answered ${operation} at ${this.apiUrl} with an unexpected response (HTTP ${answer.status}). ` +
            "Fix: check that the URL is NocoBase's API (it ends in /api) and that NocoBase is version 2.x.",
            operation, answer.status, "UNEXPECTED_RESPONSE");
    }
}

function variableKind(type: VariableType): string {
    return type === "secret" ? "secret" : "variable";
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

function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
}
