import { WeftError } from "@weft/core";
import { crypto_utils } from "node-opcua";
import { fetchEndpoints } from "./internal/endpoints.ts";
import { type CertificateInfo, certificateInfoFromDer, openClientPki, readCertificateInfo } from "./pki.ts";

export interface TrustOptions {
  /** The gateway's OPC UA PKI folder (same as `pki.folder` in the connector config). */
  pkiFolder: string;
  /** Only trust a certificate with this SHA-1 thumbprint (hex, as shown by the server's admin). */
  thumbprint?: string;
  timeoutMs?: number;
}

/**
 * Fetch a server's certificate over an unsecured GetEndpoints call and put it in
 * the trusted store of the PKI folder (what `weft-gateway opcua trust URL` does).
 * @example const [cert] = await trustServerCertificate("opc.tcp://press:4841", { pkiFolder: "./pki/opcua" });
 *          console.log(`trusted ${cert.subject} ${cert.thumbprint}`);
 */
export async function trustServerCertificate(
  endpointUrl: string,
  options: TrustOptions,
): Promise<CertificateInfo[]> {
  const pki = await openClientPki({ folder: options.pkiFolder });
  try {
    const endpoints = await fetchEndpoints(endpointUrl, options.timeoutMs ?? 10_000, pki);
    const seen = new Map<string, Buffer>();
    for (const e of endpoints) {
      if (!e.serverCertificate || e.serverCertificate.length === 0) continue;
      const leaf = crypto_utils.split_der(e.serverCertificate)[0] ?? e.serverCertificate;
      seen.set(crypto_utils.makeSHA1Thumbprint(leaf).toString("hex"), leaf);
    }
    if (seen.size === 0)
      throw new WeftError(
        "PROTOCOL_ERROR",
        `${endpointUrl} sends no server certificate (it offers only security None)`,
        {
          fix: "nothing to trust: use security mode None, or enable secure endpoints on the server",
        },
      );
    const wanted = options.thumbprint?.toLowerCase().replace(/[^0-9a-f]/g, "");
    const picked = [...seen.entries()].filter(([tp]) => !wanted || tp === wanted);
    if (picked.length === 0)
      throw new WeftError(
        "SECURITY_REJECTED",
        `the server's certificate thumbprint is ${[...seen.keys()].join(", ")}, not ${options.thumbprint}`,
        {
          field: "thumbprint",
          fix: "compare the thumbprint with the server's admin before trusting it",
        },
      );
    const out: CertificateInfo[] = [];
    for (const [, der] of picked) {
      await pki.certificateManager.trustCertificate(der);
      out.push(certificateInfoFromDer(der, pki.certificateManager.trustedFolder));
    }
    return out;
  } finally {
    await pki.dispose();
  }
}

/** Trust a certificate file (PEM or DER) handed over out of band. */
export async function trustCertificateFile(
  file: string,
  options: Pick<TrustOptions, "pkiFolder">,
): Promise<CertificateInfo> {
  const info = await readCertificateInfo(file);
  const pki = await openClientPki({ folder: options.pkiFolder });
  try {
    const { readFile } = await import("node:fs/promises");
    const raw = await readFile(file);
    const der = raw.toString("latin1").includes("-----BEGIN")
      ? crypto_utils.convertPEMtoDER(raw.toString("utf8"))
      : raw;
    await pki.certificateManager.trustCertificate(der);
    return { ...info, file: pki.certificateManager.trustedFolder };
  } finally {
    await pki.dispose();
  }
}
