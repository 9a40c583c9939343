/**
 * An HTTP proxy in front of the test NocoBase that lets a test answer some requests itself: a lost
 * `app:refresh`, a gateway page echoing the request body, a web page where the API should be. It records
 * every request's method and path (never bodies).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface ProxiedRequest {
    readonly method: string;
    /** Path and query after /api/, e.g. `environmentVariables:list?filter=…`. */
    readonly action: string;
}

/** Answers the request itself (status, content type, body), or undefined to forward it to NocoBase. */
type Intercept = (request: ProxiedRequest, body: string) => { status: number; type: string; body: string } | undefined;

interface FaultProxy {
    /** The proxy's API URL, ending in /api. */
    readonly apiUrl: string;
    readonly requests: ProxiedRequest[];
    close(): Promise<void>;
}

export async function startFaultProxy(targetApiUrl: string, intercept: Intercept): Promise<FaultProxy> {
    const requests: ProxiedRequest[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            const request = { method: req.method ?? "GET", action: (req.url ?? "/").replace(/^\/api\//, "") };
            requests.push(request);
            const own = intercept(request, body);
            if (own !== undefined) {
                res.writeHead(own.status, { "Content-Type": own.type }).end(own.body);
                return;
            }
            const headers: Record<string, string> = {};
            for (const name of ["authorization", "content-type", "accept", "x-app"]) {
                const value = req.headers[name];
                if (typeof value === "string") {
                    headers[name] = value;
                }
            }
            fetch(`${targetApiUrl}/${request.action}`, { method: request.method, headers, body: body === "" ? undefined : body })
                .then(async (response) => {
                    res.writeHead(response.status, { "Content-Type": response.headers.get("content-type") ?? "application/json" })
                        .end(await response.text());
                }, () => {
                    res.writeHead(502).end();
                });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
        requests,
        close: () => {
            server.closeAllConnections();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}
