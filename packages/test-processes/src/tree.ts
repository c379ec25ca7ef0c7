import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { track } from "./registry.ts";

export interface TreeOptions {
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string | undefined>;
  /** stdin, stdout, stderr (default: ignore, pipe, pipe). */
  stdio?: [StdioOptions, StdioOptions, StdioOptions] | ["ignore" | "pipe" | "inherit", ...string[]];
}

export interface TreeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A child process started as the leader of its own process group, so that a signal reaches
 * everything it started too (a `tsx` wrapper's real node process, a shell's children). When the
 * leader exits, whatever it left behind in its group is killed. Every tree is registered and
 * killed when the test process exits (see `registry.ts`).
 */
export class ProcessTree {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<TreeExit>;
  /** Settles once the leader exited and its stdio streams are closed. */
  private readonly closed: Promise<void>;
  private done = false;

  constructor(command: string, args: readonly string[], o: TreeOptions & { ipc?: boolean } = {}) {
    const [stdin = "ignore", stdout = "pipe", stderr = "pipe"] = (o.stdio ?? []) as StdioOptions[];
    this.child = spawn(command, args, {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      detached: true,
      stdio: (o.ipc ? [stdin, stdout, stderr, "ipc"] : [stdin, stdout, stderr]) as StdioOptions,
    });
    if (this.child.pid === undefined) throw new Error(`could not start ${command}`);
    this.pid = this.child.pid;
    const untrack = track(this);
    this.closed = new Promise<void>((resolve) => {
      this.child.once("close", () => resolve());
      this.child.once("error", () => resolve());
    });
    this.exited = new Promise<TreeExit>((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.done = true;
        this.signal("SIGKILL"); // anything the leader left behind in its group
        untrack();
        resolve({ code, signal });
      });
      this.child.once("error", () => {
        this.done = true;
        untrack();
        resolve({ code: null, signal: null });
      });
    });
  }

  /** Whether the leader is still running. */
  get running(): boolean {
    return !this.done;
  }

  /** Send `sig` to every process of the tree; false when none is left. */
  signal(sig: NodeJS.Signals): boolean {
    try {
      process.kill(-this.pid, sig);
      return true;
    } catch {
      return false;
    }
  }

  /** SIGTERM the tree, wait up to `graceMs` for the leader, then SIGKILL whatever is left. */
  async stop(graceMs = 5000): Promise<TreeExit> {
    if (this.done) return this.exited;
    this.signal("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => {
      timer = setTimeout(r, graceMs);
    });
    await Promise.race([this.exited, late]);
    clearTimeout(timer);
    this.signal("SIGKILL");
    return this.exited;
  }

  /**
   * Collect stdout and stderr until the leader exits; after `timeoutMs` the tree is killed and
   * this rejects (a command that hangs fails its test instead of outliving it).
   */
  async output(timeoutMs = 30_000): Promise<TreeExit & { stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    this.child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    this.child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), timeoutMs);
    });
    const ended = await Promise.race([this.closed, timedOut]);
    clearTimeout(timer);
    if (ended === "timeout") {
      this.kill();
      throw new Error(`still running after ${timeoutMs} ms (killed); stderr:\n${stderr}`);
    }
    return { ...(await this.exited), stdout, stderr };
  }

  /**
   * The first stdout line that is JSON and for which `pick` returns a value (e.g. a server's
   * `{"port": …}` announcement); rejects when the leader exits first. Other lines are skipped.
   * @example const port = await tree.announced((m) => (typeof m.port === "number" ? m.port : undefined));
   */
  announced<T>(pick: (msg: Record<string, unknown>) => T | undefined): Promise<T> {
    const stdout = this.child.stdout;
    if (!stdout) return Promise.reject(new Error("announced() needs a piped stdout"));
    const lines = createInterface({ input: stdout });
    return new Promise<T>((resolve, reject) => {
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`exited (${signal ?? code}) before announcing`)),
      );
      lines.on("line", (line) => {
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          return; // not a JSON line
        }
        if (msg === null || typeof msg !== "object") return;
        const v = pick(msg as Record<string, unknown>);
        if (v !== undefined) {
          lines.close();
          resolve(v);
        }
      });
    });
  }

  /** SIGKILL the whole tree at once (synchronous; safe in an exit handler). */
  kill(): void {
    this.signal("SIGKILL");
  }
}

/** Start `command` as a process tree (see {@link ProcessTree}). */
export function spawnTree(command: string, args: readonly string[], o: TreeOptions = {}): ProcessTree {
  return new ProcessTree(command, args, o);
}

const TSX = import.meta.resolve("tsx");
const WATCHDOG = import.meta.resolve("./watchdog.mjs");

/**
 * Workspace packages resolve to their TypeScript source under this condition (their `exports`
 * default to the built `dist/`), so a child started from a test runs the code under test.
 */
export const SOURCE_CONDITION = "--conditions=@weft/source";

/**
 * Run a TypeScript entry point in node with tsx's loader (no `tsx` CLI wrapper process between),
 * resolving workspace packages to their source, plus a watchdog: if this test process dies in any way, even by SIGKILL, its IPC channel closes
 * and the child kills its own tree.
 */
export function spawnNodeTs(
  file: string,
  args: readonly string[] = [],
  o: TreeOptions & { nodeArgs?: readonly string[] } = {},
): ProcessTree {
  const node = [...(o.nodeArgs ?? []), SOURCE_CONDITION, "--import", TSX, "--import", WATCHDOG];
  return new ProcessTree(process.execPath, [...node, file, ...args], {
    ...o,
    ipc: true,
  });
}

/** Paths of the loaders, for callers that build a node command line themselves. */
export const loaders = { tsx: fileURLToPath(TSX), watchdog: fileURLToPath(WATCHDOG) };
