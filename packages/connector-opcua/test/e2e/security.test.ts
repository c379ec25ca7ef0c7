import { join } from "node:path";
import { isWeftError } from "@weft/core";
import type { PressServer } from "@weft/simulators/press";
import { crypto_utils, getHostname, makeSubject, OPCUACertificateManager } from "node-opcua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type OpcuaConnector,
  opcuaConnector,
  readCertificateInfo,
  trustServerCertificate,
} from "../../src/index.ts";
import { startSim, tempDir } from "./helpers.ts";

// One server for every security case (certificate creation is the slow part).
let sim: PressServer;
let dir: Awaited<ReturnType<typeof tempDir>>;
let pkiFolder: string;
let userCert: { certificateFile: string; privateKeyFile: string };

beforeAll(async () => {
  dir = await tempDir("weft-opcua-sec-");
  sim = await startSim({
    pkiFolder: join(dir.path, "server"),
    users: [{ username: "operator", password: "press" }],
  });
  pkiFolder = join(dir.path, "client");
  // trust the server the way an operator does: from the CLI helper
  const trusted = await trustServerCertificate(sim.endpointUrl, { pkiFolder });
  expect(trusted).toHaveLength(1);
  // an X.509 user identity certificate
  const users = new OPCUACertificateManager({ rootFolder: join(dir.path, "user") });
  await users.initialize();
  const certificateFile = join(users.rootDir, "own", "certs", "user.pem");
  await users.createSelfSignedCertificate({
    applicationUri: "urn:weft:test:user",
    dns: [getHostname()],
    subject: makeSubject("weft-test-user", getHostname()),
    startDate: new Date(),
    validity: 30,
    outputFile: certificateFile,
  });
  userCert = { certificateFile, privateKeyFile: users.privateKey };
  await users.dispose();
});

afterAll(async () => {
  await sim?.close();
  await dir?.remove();
});

const connector = (extra: Record<string, unknown>) =>
  opcuaConnector.create({
    endpointUrl: sim.endpointUrl,
    pki: { folder: pkiFolder },
    points: [
      { id: "speed", nodeId: "ns=1;s=Press1.Speed" },
      { id: "job", nodeId: "ns=1;s=Press1.JobId" },
    ],
    ...extra,
  }) as OpcuaConnector;

describe("security modes, policies and identities over TCP", () => {
  const cases: [string, string, string][] = [
    ["None", "None", "anonymous"],
    ["Sign", "Basic256Sha256", "username"],
    ["SignAndEncrypt", "Basic256Sha256", "anonymous"],
    ["Sign", "Aes128_Sha256_RsaOaep", "anonymous"],
    ["SignAndEncrypt", "Aes128_Sha256_RsaOaep", "username"],
    ["Sign", "Aes256_Sha256_RsaPss", "certificate"],
    ["SignAndEncrypt", "Aes256_Sha256_RsaPss", "username"],
  ];
  for (const [mode, policy, identity] of cases) {
    it(`${mode}/${policy} with a ${identity} identity reads every point`, async () => {
      const id =
        identity === "username"
          ? { type: "username", username: "operator", password: "press" }
          : identity === "certificate"
            ? { type: "certificate", ...userCert }
            : { type: "anonymous" };
      const c = connector({ security: { mode, policy }, identity: id });
      const readings = await c.readOnce();
      expect(readings.map((r) => [r.point, r.quality])).toEqual([
        ["speed", "good"],
        ["job", "good"],
      ]);
      expect(readings[1]?.value).toMatch(/^Press1-J\d{5}$/);
    });
  }

  it("a wrong password gives a clear UNAUTHORIZED error", async () => {
    const c = connector({
      security: { mode: "SignAndEncrypt", policy: "Basic256Sha256" },
      identity: { type: "username", username: "operator", password: "wrong" },
    });
    const err = await c.readOnce().catch((e: unknown) => e);
    expect(isWeftError(err, "UNAUTHORIZED"), String(err)).toBe(true);
    if (isWeftError(err)) {
      expect(err.field).toBe("identity");
      expect(err.fix).toMatch(/password/);
    }
  });

  it("an untrusted server certificate gives SECURITY_REJECTED, lands in rejected/, and trusting it fixes it", async () => {
    const fresh = await tempDir("weft-opcua-untrusted-");
    try {
      const c = opcuaConnector.create({
        endpointUrl: sim.endpointUrl,
        security: { mode: "Sign", policy: "Basic256Sha256" },
        pki: { folder: fresh.path },
        points: [{ id: "speed", nodeId: "ns=1;s=Press1.Speed" }],
      }) as OpcuaConnector;
      const err = await c.readOnce().catch((e: unknown) => e);
      expect(isWeftError(err, "SECURITY_REJECTED"), String(err)).toBe(true);
      if (isWeftError(err)) expect(err.fix).toMatch(/trust/);
      const { readdir } = await import("node:fs/promises");
      expect((await readdir(join(fresh.path, "rejected"))).length).toBeGreaterThan(0);
      const [info] = await trustServerCertificate(sim.endpointUrl, { pkiFolder: fresh.path });
      const serverCert = await readCertificateInfo(sim.certificateFile);
      expect(info?.thumbprint).toBe(serverCert.thumbprint);
      expect((await c.readOnce())[0]?.quality).toBe("good");
    } finally {
      await fresh.remove();
    }
  });

  it("trusting with the wrong thumbprint is refused", async () => {
    const err = await trustServerCertificate(sim.endpointUrl, {
      pkiFolder,
      thumbprint: "00".repeat(20),
    }).catch((e: unknown) => e);
    expect(isWeftError(err, "SECURITY_REJECTED")).toBe(true);
  });

  it("an endpoint the server does not offer is a CONFIG_INVALID error listing what it offers", async () => {
    const only = await startSim({ securityModes: ["None"], pkiFolder: join(dir.path, "only-none") });
    try {
      const c = opcuaConnector.create({
        endpointUrl: only.endpointUrl,
        security: { mode: "SignAndEncrypt", policy: "Aes256_Sha256_RsaPss" },
        pki: { folder: pkiFolder },
        points: [{ id: "speed", nodeId: "ns=1;s=Press1.Speed" }],
      });
      const readings: unknown[] = [];
      await c.start({ sink: (b) => readings.push(...b), signal: new AbortController().signal });
      const deadline = Date.now() + 10_000;
      while (!c.status().lastError && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(c.status().lastError?.code).toBe("CONFIG_INVALID");
      expect(c.status().lastError?.message).toMatch(/None\/None/);
      await c.stop();
    } finally {
      await only.close();
    }
  });

  it("keeps the client certificate across restarts and warns before it expires", async () => {
    const { openClientPki } = await import("../../src/index.ts");
    const first = await openClientPki({ folder: pkiFolder });
    await first.dispose();
    expect(first.created).toBe(false); // created by the first connection above
    const short = await tempDir("weft-opcua-expiring-");
    try {
      const a = await openClientPki({ folder: short.path, validityDays: 10, renewWarningDays: 30 });
      await a.dispose();
      expect(a.created).toBe(true);
      expect(a.expiryWarning).toMatch(/expires in 9 days/);
      const b = await openClientPki({ folder: short.path });
      await b.dispose();
      expect(b.created).toBe(false);
      expect(b.certificate.thumbprint).toBe(a.certificate.thumbprint);
      expect(crypto_utils).toBeDefined();
    } finally {
      await short.remove();
    }
  });
});
