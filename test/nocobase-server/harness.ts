/**
 * A throwaway NocoBase 2.2.15 on loopback for the integration tests: its own PostgreSQL cluster (in a
 * temporary folder, as the `postgres` user when running as root), `install`, `start`, readiness on
 * /api/__health_check, and an API key of the root role made through the HTTP API.
 *
 * `startNocobase` runs once per test run, from test/nocobase/nocobase.test.ts, whose suites reach the
 * server through `runningNocobase()`. Logs and NocoBase's storage go to runtime/ (git-ignored).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const SERVER_DIR = __dirname;
export const RUNTIME_DIR = path.join(SERVER_DIR, "runtime");
const HEALTH_DEADLINE_MS = 120_000;
const INSTALL_DEADLINE_MS = 300_000;

/** What the tests need to reach the running server. */
interface RunningNocobase {
    readonly baseUrl: string;
    /** `${baseUrl}/api` */
    readonly apiUrl: string;
    /** API key of the root role. */
    readonly rootApiKey: string;
    readonly rootAccount: string;
    readonly rootPassword: string;
    readonly postgres: { readonly binDir: string; readonly port: number; readonly user: string; readonly database: string };
    readonly logFile: string;
}

interface StartedNocobase extends RunningNocobase {
    stop(): Promise<void>;
}

let restartWith: ((loggerLevel: string | undefined) => Promise<void>) | undefined;

/**
 * Restarts the running NocoBase on the same database with another LOGGER_LEVEL; undefined runs it at
 * NocoBase's default level (`info` in production). The tests otherwise run it at `warn`.
 */
export async function restartNocobase(loggerLevel: string | undefined): Promise<void> {
    if (restartWith === undefined) {
        throw new Error("No test NocoBase is running in this process. Run the tests with: npm run test:nocobase");
    }
    await restartWith(loggerLevel);
}

let current: StartedNocobase | undefined;

/** The server `startNocobase` started in this process; fails with the fix when there is none. */
export function runningNocobase(): RunningNocobase {
    if (current === undefined) {
        throw new Error("No test NocoBase is running in this process. Run the tests with: npm run test:nocobase");
    }
    return current;
}

export async function startNocobase(log: (line: string) => void = () => undefined): Promise<StartedNocobase> {
    const binDir = findPostgresBinDir();
    fs.rmSync(RUNTIME_DIR, { recursive: true, force: true });
    fs.mkdirSync(RUNTIME_DIR, { recursive: true });
    const logFile = path.join(RUNTIME_DIR, "nocobase.log");
    // Outside the work tree: the postgres user must be able to reach it whatever the checkout's permissions.
    const pgRoot = fs.mkdtempSync(path.join(os.tmpdir(), "nocobase-entra-mail-pg-"));
    const pgData = path.join(pgRoot, "data");
    const pgLog = path.join(pgRoot, "postgres.log");
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
        await run("chown", ["postgres:postgres", pgRoot]);
    }
    const pgCommand = (tool: string, args: string[]) => asRoot
        ? run("runuser", ["-u", "postgres", "--", path.join(binDir, tool), ...args], { cwd: pgRoot })
        : run(path.join(binDir, tool), args, { cwd: pgRoot });

    let nocobase: ChildProcess | undefined;
    let pgStarted = false;
    const stopNocobase = async () => {
        if (nocobase !== undefined && nocobase.exitCode === null && nocobase.signalCode === null) {
            const exited = new Promise((resolve) => nocobase?.once("exit", resolve));
            nocobase.kill("SIGTERM");
            const killTimer = setTimeout(() => nocobase?.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(killTimer);
        }
    };
    const stop = async () => {
        restartWith = undefined;
        await stopNocobase();
        if (pgStarted) {
            await pgCommand("pg_ctl", ["-D", pgData, "-m", "fast", "-w", "stop"]).catch(() => undefined);
            pgStarted = false;
        }
        fs.rmSync(pgRoot, { recursive: true, force: true });
        current = undefined;
    };

    try {
        const pgPort = await freePort();
        const started = Date.now();
        await pgCommand("initdb", ["-D", pgData, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
        try {
            await pgCommand("pg_ctl", ["-D", pgData, "-l", pgLog, "-w", "-t", "60", "start", "-o",
                `-p ${pgPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off`]);
        } catch (err) {
            throw new Error(`PostgreSQL did not start (${(err as Error).message.split("\n")[0]}). Last lines of its log:\n${tail(pgLog)}`, { cause: err });
        }
        pgStarted = true;
        const dbPassword = randomBytes(12).toString("hex");
        const psql = path.join(binDir, "psql");
        const admin = ["-h", "127.0.0.1", "-p", String(pgPort), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"];
        await run(psql, [...admin, "-c", `CREATE USER nocobase PASSWORD '${dbPassword}'`]);
        await run(psql, [...admin, "-c", "CREATE DATABASE nocobase OWNER nocobase"]);
        log(`postgres ready on 127.0.0.1:${pgPort} in ${Date.now() - started} ms`);

        const appPort = await freePort();
        const rootPassword = randomBytes(12).toString("hex");
        const rootAccount = "admin@nocobase.com";
        const env: NodeJS.ProcessEnv = {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            TZ: "UTC",
            APP_ENV: "production",
            APP_KEY: randomBytes(32).toString("hex"),
            APP_PORT: String(appPort),
            APP_HOST: "127.0.0.1",
            DB_DIALECT: "postgres",
            DB_HOST: "127.0.0.1",
            DB_PORT: String(pgPort),
            DB_DATABASE: "nocobase",
            DB_USER: "nocobase",
            DB_PASSWORD: dbPassword,
            INIT_ROOT_EMAIL: rootAccount,
            INIT_ROOT_PASSWORD: rootPassword,
            DISABLE_PKG_DOWNLOAD: "true",
            APP_AES_SECRET_KEY: randomBytes(32).toString("hex"),
            LOGGER_LEVEL: "warn",
            STORAGE_PATH: path.join(RUNTIME_DIR, "storage"),
        };
        const launcher = path.join(SERVER_DIR, "launch.ts");
        if (!fs.existsSync(path.join(SERVER_DIR, "node_modules", "@nocobase", "app"))) {
            throw new Error("NocoBase is not installed for the tests. Fix: bash test/nocobase-server/setup.sh");
        }
        const installStarted = Date.now();
        const install = spawn(process.execPath, [launcher, "install"], { cwd: SERVER_DIR, env, stdio: ["ignore", fs.openSync(logFile, "a"), fs.openSync(logFile, "a")] });
        const installCode = await exitCode(install, INSTALL_DEADLINE_MS);
        if (installCode !== 0) {
            throw new Error(`NocoBase install failed (exit ${installCode}). Last lines of ${logFile}:\n${tail(logFile)}`);
        }
        log(`nocobase installed in ${Date.now() - installStarted} ms`);

        const startStarted = Date.now();
        nocobase = spawn(process.execPath, [launcher, "start"], { cwd: SERVER_DIR, env, stdio: ["ignore", fs.openSync(logFile, "a"), fs.openSync(logFile, "a")] });
        const baseUrl = `http://127.0.0.1:${appPort}`;
        await waitForHealth(baseUrl, nocobase, logFile);
        log(`nocobase healthy at ${baseUrl} in ${Date.now() - startStarted} ms`);

        const userToken = await signIn(`${baseUrl}/api`, rootAccount, rootPassword);
        const rootApiKey = await createApiKey(`${baseUrl}/api`, userToken, "root", "integration tests");
        // The end-to-end test sends mail through a notification channel; NocoBase ships the email channel
        // type disabled. Enabling it restarts the application.
        const enableStarted = Date.now();
        await api(`${baseUrl}/api`, "pm:enable?filterByTk=notification-email", rootApiKey, {});
        await waitForHealth(baseUrl, nocobase, logFile);
        log(`email notifications enabled in ${Date.now() - enableStarted} ms`);
        restartWith = async (loggerLevel) => {
            await stopNocobase();
            const { LOGGER_LEVEL: _warn, ...rest } = env;
            const restartEnv = loggerLevel === undefined ? rest : { ...rest, LOGGER_LEVEL: loggerLevel };
            nocobase = spawn(process.execPath, [launcher, "start"], { cwd: SERVER_DIR, env: restartEnv, stdio: ["ignore", fs.openSync(logFile, "a"), fs.openSync(logFile, "a")] });
            await waitForHealth(baseUrl, nocobase, logFile);
        };
        current = {
            baseUrl, apiUrl: `${baseUrl}/api`, rootApiKey, rootAccount, rootPassword,
            postgres: { binDir, port: pgPort, user: "nocobase", database: "nocobase" }, logFile, stop,
        };
        return current;
    } catch (err) {
        await stop();
        throw err;
    }
}

/** Signs in with NocoBase's basic authenticator; returns the user's session token. */
export async function signIn(apiUrl: string, account: string, password: string): Promise<string> {
    const body = await api(apiUrl, "auth:signIn", undefined, { account, password }, { "X-Authenticator": "basic" });
    const token = (body.data as { token?: unknown } | undefined)?.token;
    if (typeof token !== "string") {
        throw new Error("NocoBase sign-in answered without a token");
    }
    return token;
}

/** An API key for `role`, which the signed-in user must hold. */
export async function createApiKey(apiUrl: string, userToken: string, role: string, name: string): Promise<string> {
    const body = await api(apiUrl, "apiKeys:create", userToken, { name, role: { name: role }, expiresIn: "1d" });
    const token = (body.data as { token?: unknown } | undefined)?.token;
    if (typeof token !== "string") {
        throw new Error(`NocoBase created no API key for role ${role}`);
    }
    return token;
}

/**
 * Calls NocoBase's API for test set-up, failing on any non-2xx answer. Errors quote the action and
 * status only: bodies may echo credentials.
 */
export async function api(apiUrl: string, action: string, token: string | undefined, body?: unknown,
    headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const response = await fetch(`${apiUrl}/${action}`, {
        method: body === undefined ? "GET" : "POST",
        headers: {
            ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
            ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    if (!response.ok) {
        throw new Error(`NocoBase ${action} answered ${response.status}`);
    }
    return (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
}

/** Runs one SQL statement in NocoBase's database; returns the rows, columns separated by "|". */
export async function sql(server: RunningNocobase, statement: string): Promise<string[]> {
    const { stdout } = await run(path.join(server.postgres.binDir, "psql"), [
        "-h", "127.0.0.1", "-p", String(server.postgres.port), "-U", server.postgres.user, "-d", server.postgres.database,
        "-v", "ON_ERROR_STOP=1", "-At", "-c", statement,
    ]);
    return stdout.split("\n").filter((line) => line !== "");
}

function findPostgresBinDir(): string {
    const debianRoot = "/usr/lib/postgresql";
    const versions = fs.existsSync(debianRoot)
        ? fs.readdirSync(debianRoot).filter((v) => fs.existsSync(path.join(debianRoot, v, "bin", "initdb")))
            .sort((a, b) => Number(b) - Number(a))
        : [];
    if (versions.length > 0) {
        return path.join(debianRoot, versions[0], "bin");
    }
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (dir !== "" && fs.existsSync(path.join(dir, "initdb"))) {
            return dir;
        }
    }
    throw new Error("PostgreSQL server programs (initdb, pg_ctl) not found. Fix: bash test/nocobase-server/setup.sh " +
        "(installs Debian's postgresql package as root).");
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

function exitCode(child: ChildProcess, deadlineMs: number): Promise<number | string> {
    return new Promise((resolve) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            resolve(`killed after ${deadlineMs / 1000} s`);
        }, deadlineMs);
        child.once("exit", (code, signal) => {
            clearTimeout(timer);
            resolve(code ?? `signal ${signal}`);
        });
    });
}

async function waitForHealth(baseUrl: string, child: ChildProcess, logFile: string): Promise<void> {
    const deadline = Date.now() + HEALTH_DEADLINE_MS;
    while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`NocoBase exited while starting (${child.exitCode ?? child.signalCode}). ` +
                `Last lines of ${logFile}:\n${tail(logFile)}`);
        }
        try {
            const response = await fetch(`${baseUrl}/api/__health_check`, { signal: AbortSignal.timeout(2_000) });
            if (response.status === 200 && (await response.text()).trim() === "ok") {
                return;
            }
        } catch {
            // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`NocoBase did not become healthy within ${HEALTH_DEADLINE_MS / 1000} s at ${baseUrl}. ` +
        `Last lines of ${logFile}:\n${tail(logFile)}`);
}

function tail(file: string, lines = 40): string {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}
