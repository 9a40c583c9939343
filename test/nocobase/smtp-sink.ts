/**
 * The smallest SMTP server NocoBase's mailer (nodemailer) will deliver to over plain TCP on loopback:
 * it records the AUTH credentials of each session and accepts every message. No TLS, no queue.
 */
import * as net from "node:net";

interface SmtpLogin {
    readonly user: string;
    readonly password: string;
}

export interface SmtpSink {
    readonly port: number;
    readonly logins: SmtpLogin[];
    readonly messages: string[];
    /** Resolves with the next message's login once a message has been accepted after the call. */
    nextDelivery(timeoutMs: number): Promise<SmtpLogin | undefined>;
    close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
    const logins: SmtpLogin[] = [];
    const messages: string[] = [];
    const waiters: ((login: SmtpLogin | undefined) => void)[] = [];
    const sockets = new Set<net.Socket>();

    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => socket.destroy());
        let buffer = "";
        let login: SmtpLogin | undefined;
        let state: "command" | "auth-user" | "auth-password" | "data" = "command";
        let pendingUser = "";
        let data = "";
        const reply = (line: string) => socket.write(`${line}\r\n`);
        reply("220 sink.test ESMTP");

        socket.on("data", (chunk: Buffer) => {
            buffer += chunk.toString("latin1");
            for (let end = buffer.indexOf("\r\n"); end !== -1; end = buffer.indexOf("\r\n")) {
                const line = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                if (state === "data") {
                    if (line === ".") {
                        state = "command";
                        messages.push(data);
                        data = "";
                        reply("250 accepted");
                        const delivered = login;
                        waiters.splice(0).forEach((resolve) => resolve(delivered));
                    } else {
                        data += `${line}\n`;
                    }
                    continue;
                }
                if (state === "auth-user") {
                    pendingUser = Buffer.from(line, "base64").toString("utf8");
                    state = "auth-password";
                    reply(`334 ${Buffer.from("Password:").toString("base64")}`);
                    continue;
                }
                if (state === "auth-password") {
                    login = { user: pendingUser, password: Buffer.from(line, "base64").toString("utf8") };
                    logins.push(login);
                    state = "command";
                    reply("235 authenticated");
                    continue;
                }
                const [verb, ...rest] = line.split(" ");
                switch (verb.toUpperCase()) {
                    case "EHLO":
                        socket.write("250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
                        break;
                    case "HELO":
                        reply("250 sink.test");
                        break;
                    case "AUTH":
                        if (rest[0]?.toUpperCase() === "PLAIN" && rest[1] !== undefined) {
                            const [, user, password] = Buffer.from(rest[1], "base64").toString("utf8").split("\0");
                            login = { user, password };
                            logins.push(login);
                            reply("235 authenticated");
                        } else if (rest[0]?.toUpperCase() === "LOGIN") {
                            state = "auth-user";
                            reply(`334 ${Buffer.from("Username:").toString("base64")}`);
                        } else {
                            reply("504 unsupported");
                        }
                        break;
                    case "DATA":
                        state = "data";
                        reply("354 go ahead");
                        break;
                    case "QUIT":
                        reply("221 bye");
                        socket.end();
                        break;
                    case "RSET":
                    case "NOOP":
                    case "MAIL":
                    case "RCPT":
                        reply("250 ok");
                        break;
                    default:
                        reply("502 not implemented");
                }
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;

    return {
        port,
        logins,
        messages,
        nextDelivery: (timeoutMs) => new Promise((resolve) => {
            const timer = setTimeout(() => resolve(undefined), timeoutMs);
            waiters.push((login) => {
                clearTimeout(timer);
                resolve(login);
            });
        }),
        close: async () => {
            for (const socket of sockets) {
                socket.destroy();
            }
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
