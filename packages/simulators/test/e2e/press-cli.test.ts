import { join } from "node:path";
import { createInterface } from "node:readline";
import { cleanup, spawnNodeTs, tempDir } from "@weft/test-processes";
import { OPCUAClient } from "node-opcua";
import { afterAll, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
afterAll(() => cleanup());

it("weft-sim press --port 0 --seed 1 --speed 60 --presses 3 serves a printing line and stops on SIGTERM", async () => {
  const pki = tempDir("weft-sim-press-cli-");
  const sim = spawnNodeTs(
    join(root, "src", "bin.ts"),
    [
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
    for await (const line of createInterface({ input: sim.child.stdout as NodeJS.ReadableStream })) {
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
    sim.signal("SIGTERM");
    expect((await sim.exited).code).toBe(0);
  } finally {
    await sim.stop();
  }
}, 60_000);
