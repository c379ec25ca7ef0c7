import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { GatewayStatus } from "../../src/runtime/status.ts";

const PKG = fileURLToPath(new URL("../../", import.meta.url));
const TSX_LOADER = pathToFileURL(path.join(PKG, "../../node_modules/tsx/dist/loader.mjs")).href;

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** The gateway CLI as a real child process (node + tsx loader, so a SIGKILL hits the gateway itself). */
export class GatewayProcess {
  readonly logs: LogLine[] = [];
  readonly stdout: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ["--import", TSX_LOADER, path.join(PKG, "src/bin.ts"), ...args], {
      cwd: PKG,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buf = "";
    this.child.stderr?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) {
        try {
          this.logs.push(JSON.parse(l) as LogLine);
        } catch {
          this.logs.push({ level: 50, msg: l });
        }
      }
    });
    this.child.stdout?.on("data", (d: Buffer) => this.stdout.push(d.toString()));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  async waitForLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const hit = this.logs.find((l) => l.msg === msg);
      if (hit) return hit;
      await sleep(50);
    }
    throw new Error(
      `no log "${msg}" within ${timeoutMs} ms; got:\n${this.logs.map((l) => JSON.stringify(l)).join("\n")}`,
    );
  }

  async status(healthUrl: string): Promise<GatewayStatus> {
    return (await (await fetch(`${healthUrl}/status`)).json()) as GatewayStatus;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function writeConfig(dir: string, name: string, text: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
