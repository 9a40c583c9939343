/** Shared pieces of the NocoBase integration suites: counting, fresh names and secrets, leak checks. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { NocobaseClient, type NocobaseRequestEvent } from "../../src/nocobase/client";
import {
    createMailVariablesProvider, type MailVariablesInputs, type MailVariablesProvider, type MailVariablesProviderOptions,
} from "../../src/nocobase/variables-provider";
import { runningNocobase } from "../nocobase-server/harness";

/** Counts HTTP exchanges with NocoBase, split into reads and writes. */
export class RequestCounter {
    events: NocobaseRequestEvent[] = [];
    readonly onRequest = (event: NocobaseRequestEvent): void => {
        this.events.push(event);
    };
    get reads(): number {
        return this.events.filter((e) => e.kind === "read").length;
    }
    get writes(): number {
        return this.events.filter((e) => e.kind === "write").length;
    }
    reset(): void {
        this.events = [];
    }
    summary(): string {
        return `reads=${this.reads} writes=${this.writes}`;
    }
}

let sequence = 0;

/** Variable names no other test uses. */
export function freshNames(label: string): { clientIdVariable: string; clientSecretVariable: string } {
    sequence += 1;
    const stem = `T${process.pid}_${sequence}_${label.toUpperCase()}`;
    return { clientIdVariable: `${stem}_CLIENT_ID`, clientSecretVariable: `${stem}_CLIENT_SECRET` };
}

/** Shaped like an Entra client secret (40 characters with a ~), different every time. */
export function freshSecret(): string {
    return `Q7x8Q~${randomBytes(30).toString("base64url").slice(0, 34)}`;
}

export function freshKeyId(): string {
    return crypto.randomUUID();
}

export function inputsFor(label: string, overrides: Partial<MailVariablesInputs> = {}): MailVariablesInputs {
    return {
        apiUrl: runningNocobase().apiUrl,
        ...freshNames(label),
        clientId: crypto.randomUUID(),
        clientSecret: freshSecret(),
        clientSecretKeyId: freshKeyId(),
        ...overrides,
    };
}

/** A provider configured as the Pulumi engine would, with the API key from stack config. */
export async function configuredProvider(apiToken: string, options: MailVariablesProviderOptions = {}): Promise<MailVariablesProvider> {
    const provider = createMailVariablesProvider(options);
    await provider.configure?.({
        config: {
            get: (key: string) => key === "nocobase-entra-mail:nocobaseApiToken" ? apiToken : undefined,
            require: (key: string) => {
                throw new Error(`unexpected config key ${key}`);
            },
        },
    });
    return provider;
}

/** A client with the root role's key, for looking at NocoBase from the side. */
export function rootClient(): NocobaseClient {
    const server = runningNocobase();
    return new NocobaseClient({
        apiUrl: server.apiUrl, apiToken: server.rootApiKey, apiTokenHint: "(test root key)", apiUrlHint: "(test server)",
    });
}

/** Asserts that none of the given credentials appears in `text` (error messages, captured output). */
export function assertNoCredentials(text: string, credentials: readonly string[]): void {
    for (const credential of credentials) {
        assert.ok(credential.length >= 8, "a credential to look for must be long enough to be unambiguous");
        assert.ok(!text.includes(credential), `output contains a credential (${credential.length} characters long)`);
    }
}

/** Runs `action`, expecting it to fail; returns the error's message. */
export async function failureOf(action: () => Promise<unknown>): Promise<string> {
    try {
        await action();
    } catch (err) {
        return err instanceof Error ? err.message : String(err);
    }
    assert.fail("expected the call to fail");
}
