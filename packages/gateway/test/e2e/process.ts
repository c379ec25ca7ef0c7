import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type ProcessTree, spawnNodeTs } from "@weft/test-processes";
import { scanSegment } from "../../src/journal/scan.ts";
import type { GatewayStatus } from "../../src/runtime/status.ts";

const PKG = fileURLToPath(new URL("../../", import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/**
 * The gateway CLI as a real child process (node + tsx loader, so a SIGKILL hits the gateway
 * itself), in a process tree of its own: `cleanup()` from @weft/test-processes in `afterAll`
 * kills it whether the test passed or failed, and it kills itself if the test process dies.
 */
export class GatewayProcess {
  readonly logs: LogLine[] = [];
  readonly stdout: string[] = [];
  private readonly tree: ProcessTree;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
    this.tree = spawnNodeTs(path.join(PKG, "src/bin.ts"), args, { cwd: PKG, env, nodeArgs });
    let buf = "";
    this.tree.child.stderr?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) {
        try {
          this.logs.push(JSON.parse(l) as LogLine);
        } catch {
          this.logs.push({ level: 50, msg: l, notJson: true });
        }
      }
    });
    this.tree.child.stdout?.on("data", (d: Buffer) => this.stdout.push(d.toString()));
    this.exited = this.tree.exited.then((e) => e.code);
  }

  get running(): boolean {
    return this.tree.running;
  }

  /** The gateway's own process id (node runs it directly: no wrapper process). */
  get pid(): number {
    return this.tree.pid;
  }

  /** The last `n` log lines, for failure messages. */
  tail(n = 30): string {
    return this.logs
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join("\n");
  }

  async waitForLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const hit = this.logs.find((l) => l.msg === msg);
      if (hit) return hit;
      if (!this.tree.running) break; // it exited: the log will not come
      await sleep(50);
    }
    throw new Error(
      `no log "${msg}" ${this.tree.running ? `within ${timeoutMs} ms` : "before the process exited"}; got:\n${this.tail(100)}`,
    );
  }

  async status(healthUrl: string): Promise<GatewayStatus> {
    return (await (await fetch(`${healthUrl}/status`)).json()) as GatewayStatus;
  }

  /** Signal the gateway (SIGKILL is the crash under test; SIGTERM the orderly stop). */
  kill(signal: NodeJS.Signals): void {
    this.tree.signal(signal);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `check` until it holds; on timeout the error carries `context()` (e.g. the gateway's log tail). */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  context?: () => string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ""}`);
}

export function writeConfig(dir: string, name: string, text: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Every (point@ts) the journal in `dir` holds on disk, by local seq. */
export function journalOnDisk(dir: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".seg"))) {
    for (const r of scanSegment(fs.readFileSync(path.join(dir, f))).records) {
      const readings = JSON.parse(r.payload.toString("utf8")) as { point: string; ts: number }[];
      out.set(
        r.seq,
        readings.map((x) => `${x.point}@${x.ts}`),
      );
    }
  }
  return out;
}
