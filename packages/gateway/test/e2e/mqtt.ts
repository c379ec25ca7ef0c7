import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createServer, Socket } from "node:net";
import { userInfo } from "node:os";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { type ProcessTree, spawnTree } from "@weft/test-processes";
import { Journal } from "../../src/journal/journal.ts";
import { sleep } from "./process.ts";

/** Is a broker listening at host:port? (The shared Mosquitto on 127.0.0.1:1883.) */
export function reachable(port = 1883, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(1000);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
    s.connect(port, host);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

/**
 * A private Mosquitto: TLS with a CA and server certificate made here by openssl, a password file
 * and the ACL from deploy/mosquitto (each edge node writes only its own topics).
 */
export class PrivateBroker {
  private tree: ProcessTree | null = null;
  readonly ca: string;
  readonly conf: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.ca = path.join(dir, "ca.crt");
    this.conf = path.join(dir, "mosquitto.conf");
  }

  static async create(dir: string, users: Record<string, string>, aclFile: string): Promise<PrivateBroker> {
    const b = new PrivateBroker(dir, await freePort());
    const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    ssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=weft-test-ca",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
    );
    ssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
    );
    fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    ssl(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      "san.ext",
      "-out",
      "server.crt",
    );
    const pw = path.join(dir, "passwd");
    fs.writeFileSync(pw, "");
    for (const [u, p] of Object.entries(users))
      execFileSync("mosquitto_passwd", ["-b", pw, u, p], { stdio: "ignore" });
    fs.chmodSync(pw, 0o600);
    fs.copyFileSync(aclFile, path.join(dir, "acl"));
    fs.writeFileSync(
      b.conf,
      [
        // As root, Mosquitto would drop to user `mosquitto`, who cannot read this private folder.
        `user ${userInfo().username}`,
        "persistence false",
        `log_dest file ${path.join(dir, "mosquitto.log")}`,
        "log_type all",
        "allow_anonymous false",
        `password_file ${pw}`,
        `acl_file ${path.join(dir, "acl")}`,
        `listener ${b.port} 127.0.0.1`,
        `cafile ${path.join(dir, "ca.crt")}`,
        `certfile ${path.join(dir, "server.crt")}`,
        `keyfile ${path.join(dir, "server.key")}`,
        "max_inflight_messages 1000",
        "max_queued_messages 100000",
        "",
      ].join("\n"),
    );
    await b.start();
    return b;
  }

  async start(): Promise<void> {
    this.tree = spawnTree("mosquitto", ["-c", this.conf]);
    for (let i = 0; i < 100; i++) {
      if (await reachable(this.port)) return;
      await sleep(50);
    }
    throw new Error("private mosquitto did not start");
  }

  /** kill -9, as a crashed broker. */
  async kill(): Promise<void> {
    const t = this.tree;
    this.tree = null;
    t?.signal("SIGKILL");
    await t?.exited;
  }

  get url(): string {
    return `mqtts://localhost:${this.port}`;
  }
}

/** A gateway data dir whose journal already holds `batches` deterministic batches. */
export function prefilledJournal(
  dir: string,
  machines: string[],
  batches: number,
  perBatch: number,
  t0: number,
): number {
  const j = Journal.open({ dir: path.join(dir, "journal"), fsync: "off" });
  let n = 0;
  for (let b = 0; b < batches; b++) {
    const rs: BatchReading[] = [];
    for (let i = 0; i < perBatch; i++) {
      const machine = machines[(b * perBatch + i) % machines.length] as string;
      const k = b * perBatch + i;
      rs.push({ machine, point: `p${k % 5}`, ts: t0 + k * 10, value: k % 97, quality: "good" });
      if (k % 5 === 0)
        rs.push({
          machine,
          point: "state",
          signal: "state",
          ts: t0 + k * 10,
          value: k % 1000 < 900 ? "running" : "idle",
          quality: "good",
        });
    }
    j.append(rs);
    n += rs.length;
  }
  j.close();
  return n;
}
