import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { WeftError } from "@weft/core";
import { crypto_utils, getHostname, makeSubject, OPCUACertificateManager } from "node-opcua";

export interface PkiOptions {
  /** Root of the PKI: own/ (client certificate and key), trusted/, rejected/, issuers/. */
  folder: string;
  applicationName?: string;
  /** Trust unknown server certificates on first sight. Default false. */
  acceptUnknownServerCertificate?: boolean;
  /** Warn when the own certificate expires within this many days. Default 30. */
  renewWarningDays?: number;
  /** Validity of a newly created client certificate in days. Default 3650. */
  validityDays?: number;
}

export interface CertificateInfo {
  file: string;
  subject: string;
  /** SHA-1 thumbprint, hex (the name OPC UA tools show). */
  thumbprint: string;
  notBefore: Date;
  notAfter: Date;
  applicationUri?: string;
}

export interface ClientPki {
  certificateManager: OPCUACertificateManager;
  certificateFile: string;
  privateKeyFile: string;
  applicationUri: string;
  certificate: CertificateInfo;
  /** True when this call created the certificate (first start). */
  created: boolean;
  /** Set when the certificate expires within `renewWarningDays` (or has expired). */
  expiryWarning?: string;
  dispose(): Promise<void>;
}

/** Application URI of the client; it must match the certificate's SAN. */
export function clientApplicationUri(applicationName: string): string {
  return `urn:${getHostname()}:weft:${applicationName.replace(/[^A-Za-z0-9._-]+/g, "-")}`;
}

/**
 * Open (and on first use create) the client PKI. The client certificate is created
 * once and kept across restarts; the result says when it is about to expire.
 * @example const pki = await openClientPki({ folder: "./pki/opcua" }); if (pki.expiryWarning) log.warn(pki.expiryWarning);
 */
export async function openClientPki(options: PkiOptions): Promise<ClientPki> {
  const applicationName = options.applicationName ?? "Weft Gateway";
  const applicationUri = clientApplicationUri(applicationName);
  await mkdir(options.folder, { recursive: true });
  const certificateManager = new OPCUACertificateManager({
    rootFolder: options.folder,
    automaticallyAcceptUnknownCertificate: options.acceptUnknownServerCertificate ?? false,
  });
  try {
    await certificateManager.initialize();
  } catch (cause) {
    throw new WeftError("CONFIG_INVALID", `cannot open the OPC UA PKI folder ${options.folder}`, {
      field: "pki.folder",
      fix: "point pki.folder at a writable directory",
      cause,
    });
  }
  const certificateFile = join(certificateManager.rootDir, "own", "certs", "client_certificate.pem");
  const privateKeyFile = certificateManager.privateKey;
  let created = false;
  if (!existsSync(certificateFile)) {
    const hostname = getHostname();
    await certificateManager.createSelfSignedCertificate({
      applicationUri,
      dns: [hostname, "localhost"],
      outputFile: certificateFile,
      subject: makeSubject(applicationName, hostname),
      startDate: new Date(Date.now() - 60_000),
      validity: options.validityDays ?? 3650,
    });
    created = true;
  }
  const certificate = await readCertificateInfo(certificateFile);
  const warnDays = options.renewWarningDays ?? 30;
  const daysLeft = (certificate.notAfter.getTime() - Date.now()) / 86_400_000;
  const expiryWarning =
    daysLeft <= 0
      ? `the OPC UA client certificate ${certificateFile} expired on ${certificate.notAfter.toISOString()}; delete it (and own/private) to create a new one, then re-trust it on the servers`
      : daysLeft <= warnDays
        ? `the OPC UA client certificate ${certificateFile} expires in ${Math.floor(daysLeft)} days (${certificate.notAfter.toISOString()}); renew it before then`
        : undefined;
  return {
    certificateManager,
    certificateFile,
    privateKeyFile,
    applicationUri: certificate.applicationUri ?? applicationUri,
    certificate,
    created,
    ...(expiryWarning ? { expiryWarning } : {}),
    dispose: () => certificateManager.dispose(),
  };
}

/** Subject, thumbprint and validity of a PEM or DER certificate file. */
export async function readCertificateInfo(file: string): Promise<CertificateInfo> {
  const raw = await readFile(file);
  const der = raw.toString("latin1").includes("-----BEGIN")
    ? crypto_utils.convertPEMtoDER(raw.toString("utf8"))
    : raw;
  return certificateInfoFromDer(der, file);
}

export function certificateInfoFromDer(der: Buffer, file: string): CertificateInfo {
  const info = crypto_utils.exploreCertificate(der);
  const tbs = info.tbsCertificate;
  const subject = Object.entries(tbs.subject ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
  const uri = tbs.extensions?.subjectAltName?.uniformResourceIdentifier?.[0];
  return {
    file,
    subject,
    thumbprint: crypto_utils.makeSHA1Thumbprint(der).toString("hex"),
    notBefore: tbs.validity.notBefore,
    notAfter: tbs.validity.notAfter,
    ...(uri ? { applicationUri: uri } : {}),
  };
}
