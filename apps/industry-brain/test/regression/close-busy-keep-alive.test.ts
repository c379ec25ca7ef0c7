import net from "node:net";
import { createTestDb, type TestDb } from "@weft/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningBrain, startBrain } from "../../src/server.ts";

/**
 * close() with a client that keeps its keep-alive connection busy (a gateway uploading every
 * 100 ms). Node's server.close() drops only idle connections, so a connection with a request in
 * progress used to go on serving the client's next requests and close() never finished.
 */
describe("brain close()", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(process.env.DATABASE_URL ? "postgres" : "pglite");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("answers the request in progress with Connection: close, serves no more on that connection, and finishes", async () => {
    const brain: RunningBrain = await startBrain({ db, port: 0, background: false });
    const socket = net.connect(brain.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    // A public procedure that must read its whole input before it can answer.
    const body = '{"email":"nobody@example.com","password":"not-the-password"}';
    const head = (n: number) =>
      `POST /trpc/auth.login HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\ncontent-type: application/json\r\ncontent-length: ${n}\r\n\r\n`;
    let received = "";
    socket.on("data", (d: Buffer) => {
      received += d.toString();
    });
    const ended = new Promise<void>((r) => socket.once("close", () => r()));
    // A request half sent when close() starts: the connection is busy, not idle.
    socket.write(head(body.length) + body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));
    const closed = brain.close().then(() => "closed");
    socket.write(body.slice(10));
    const within = <T>(p: Promise<T>, ms: number) =>
      Promise.race([p, new Promise((r) => setTimeout(() => r("timed out"), ms))]);
    expect(
      await within(
        ended.then(() => "socket closed"),
        5000,
      ),
    ).toBe("socket closed");
    expect(received).toMatch(/^HTTP\/1\.1 [45]\d\d/);
    expect(received.toLowerCase()).toContain("connection: close");
    // Well before the 10 s grace period that would cut it by force.
    expect(await within(closed, 3000)).toBe("closed");
  });
});
