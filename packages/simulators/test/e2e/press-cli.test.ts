import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { OPCUAClient } from "node-opcua";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

it("weft-sim press --port 0 --seed 1 --speed 60 --presses 3 serves a printing line and stops on SIGTERM", async () => {
  const pki = await mkdtemp(join(tmpdir(), "weft-sim-press-cli-"));
  const child = spawn(
    join(root, "..", "..", "node_modules", ".bin", "tsx"),
    [
      join(root, "src", "bin.ts"),
      "press",
      "--port",
      "0",
      "--host",
      "localhost",
      "--seed",
      "1",
      "--speed",
      "60",
      "--presses",
      "3",
      "--pki",
      pki,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    let endpointUrl = "";
    for await (const line of createInterface({ input: child.stdout })) {
      if (!line.startsWith("{")) continue;
      const log = JSON.parse(line) as { endpointUrl?: string };
      if (log.endpointUrl) {
        endpointUrl = log.endpointUrl;
        break;
      }
    }
    expect(endpointUrl).toMatch(/^opc\.tcp:\/\/localhost:\d+\/UA\/Press$/);
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(endpointUrl);
    const session = await client.createSession({ type: 1, userName: "operator", password: "press" });
    const dv = await session.read({ nodeId: "ns=1;s=Press3.JobId", attributeId: 13 });
    expect(dv.value.value).toMatch(/^Press3-J\d{5}$/);
    await session.close();
    await client.disconnect();
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(pki, { recursive: true, force: true });
  }
}, 60_000);
