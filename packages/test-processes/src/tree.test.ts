import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { cleanup, runningTrees, spawnTree, tempDir } from "./index.ts";

afterAll(() => cleanup());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function firstLine(stream: NodeJS.ReadableStream | null): Promise<string> {
  if (!stream) throw new Error("no stdout");
  for await (const line of createInterface({ input: stream })) return line;
  throw new Error("no line");
}

async function gone(pid: number, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const PARENT = new URL("../test/fixtures/parent.ts", import.meta.url).pathname;
const TSX = new URL("../../../node_modules/tsx/dist/cli.mjs", import.meta.url).pathname;

describe("process trees", () => {
  it("announced() skips lines until one picks a value, and rejects when the leader exits first", async () => {
    const t = spawnTree("sh", [
      "-c",
      "echo starting; echo '{\"level\":30}'; echo '{\"port\":4321}'; sleep 300",
    ]);
    await expect(t.announced((m) => (typeof m.port === "number" ? m.port : undefined))).resolves.toBe(4321);
    await t.stop();
    const quiet = spawnTree("sh", ["-c", "echo no-port; exit 3"]);
    await expect(quiet.announced((m) => m.port)).rejects.toThrow(/exited \(3\) before announcing/);
  });

  it("stop() ends the leader and every process it started", async () => {
    const t = spawnTree("sh", ["-c", "sleep 300 & echo $!; sleep 300"]);
    const grandchild = Number(await firstLine(t.child.stdout));
    expect(alive(grandchild)).toBe(true);
    const exit = await t.stop(2000);
    expect(exit.signal).toBe("SIGTERM");
    expect(await gone(grandchild)).toBe(true);
    expect(runningTrees()).toBe(0);
  });

  it("what a leader leaves behind when it exits is killed", async () => {
    const t = spawnTree("sh", ["-c", "sleep 300 & echo $!; read x"], { stdio: ["pipe", "pipe", "pipe"] });
    const grandchild = Number(await firstLine(t.child.stdout));
    t.child.stdin?.end("done\n");
    expect((await t.exited).code).toBe(0);
    expect(await gone(grandchild)).toBe(true);
  });

  it("a node child and its own child die when the process that started them is SIGKILLed", async () => {
    // The parent is the stand-in for a test worker; its holder is in a group of its own, so only
    // the watchdog (IPC channel closed by the kernel) can end it.
    const parent = spawnTree(process.execPath, [TSX, PARENT]);
    const { holder, sleeper } = JSON.parse(await firstLine(parent.child.stdout)) as {
      holder: number;
      sleeper: number;
    };
    expect(alive(holder) && alive(sleeper)).toBe(true);
    process.kill(parent.pid, "SIGKILL");
    expect(await gone(holder)).toBe(true);
    expect(await gone(sleeper)).toBe(true);
  });

  it("sweeps folders of its prefix left by a process that no longer exists", async () => {
    const dead = spawnTree("true", []);
    await dead.exited;
    const orphan = path.join(os.tmpdir(), `weft-test-processes-${dead.pid}-abcdef`);
    fs.mkdirSync(orphan);
    const mine = tempDir("weft-test-processes-");
    expect(path.basename(mine).startsWith(`weft-test-processes-${process.pid}-`)).toBe(true);
    expect(fs.existsSync(orphan)).toBe(false);
  });

  it("temp folders are removed by cleanup()", async () => {
    const dir = tempDir("weft-test-processes-");
    fs.writeFileSync(`${dir}/x`, "x");
    await cleanup();
    expect(fs.existsSync(dir)).toBe(false);
  });
});
