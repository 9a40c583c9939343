/**
 * A TLS certificate made at test time for the emulator (MSAL refuses a non-https authority). Written to a
 * temporary file so child processes can trust it through NODE_EXTRA_CA_CERTS.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { generate } from "selfsigned";

export interface EmulatorCertificate {
    readonly key: string;
    readonly cert: string;
    /** PEM file of the certificate, for NODE_EXTRA_CA_CERTS. */
    readonly caFile: string;
}

export async function createEmulatorCertificate(): Promise<EmulatorCertificate> {
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
        keySize: 2048,
        algorithm: "sha256",
        notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
        extensions: [
            { name: "basicConstraints", cA: true },
            { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
            { name: "extKeyUsage", serverAuth: true },
            { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
        ],
    });
    const dir = await mkdtemp(join(tmpdir(), "entra-emulator-"));
    const caFile = join(dir, "emulator-ca.pem");
    await writeFile(caFile, pems.cert);
    return { key: pems.private, cert: pems.cert, caFile };
}

/**
 * Makes this process trust the certificate for every TLS client (undici's fetch used by the Graph SDK and
 * Node's https used by @azure/identity), the in-process counterpart of NODE_EXTRA_CA_CERTS.
 */
export function trustInThisProcess(cert: string): void {
    const current = tls.getCACertificates("default");
    if (!current.includes(cert)) {
        tls.setDefaultCACertificates([...current, cert]);
    }
}
