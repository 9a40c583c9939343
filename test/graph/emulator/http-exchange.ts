/** Request and response helpers shared by the emulator's identity and Graph routes. */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Exchange {
    readonly req: IncomingMessage;
    readonly res: ServerResponse;
    readonly method: string;
    readonly url: URL;
    readonly body: string;
    readonly requestId: string;
    /** Status sent, for the request log. */
    status: number;
}

export function sendJson(ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
    ex.status = status;
    ex.res.writeHead(status, {
        "content-type": "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8",
        "request-id": ex.requestId,
        "client-request-id": clientRequestId(ex),
        ...headers,
    });
    ex.res.end(JSON.stringify(body));
}

export function sendNoContent(ex: Exchange): void {
    ex.status = 204;
    ex.res.writeHead(204, { "request-id": ex.requestId, "client-request-id": clientRequestId(ex) });
    ex.res.end();
}

function clientRequestId(ex: Exchange): string {
    const header = ex.req.headers["client-request-id"];
    return typeof header === "string" ? header : ex.requestId;
}

/** Graph's documented error envelope: `{error:{code,message,innerError:{date,request-id,client-request-id}}}`. */
export function sendGraphError(ex: Exchange, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    sendJson(ex, status, {
        error: {
            code,
            message,
            innerError: {
                date: new Date().toISOString().slice(0, 19),
                "request-id": ex.requestId,
                "client-request-id": clientRequestId(ex),
            },
        },
    }, headers);
}

export function newRequestId(): string {
    return randomUUID();
}

export function parseJsonBody(ex: Exchange): Record<string, unknown> | undefined {
    if (ex.body === "") {
        return {};
    }
    try {
        const parsed: unknown = JSON.parse(ex.body);
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
    } catch {
        return undefined;
    }
}
