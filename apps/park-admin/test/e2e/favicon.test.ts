import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createDb, type DbHandle } from "@weft/db/client";
import { type RunningBrain, startBrain } from "@weft/industry-brain";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faviconIco } from "../../scripts/favicon.ts";
import { APP_ROOT, DIST } from "./harness.ts";

const committed = readFileSync(join(APP_ROOT, "public", "favicon.ico"));

/** The ICONDIR header: reserved 0, type 1 (icon), then the image count. */
function expectIco(body: Buffer): void {
  expect(body.readUInt16LE(0)).toBe(0);
  expect(body.readUInt16LE(2)).toBe(1);
  expect(body.readUInt16LE(4)).toBeGreaterThan(0);
}

describe("favicon", () => {
  it("the committed public/favicon.ico is what scripts/favicon.ts draws", () => {
    expectIco(committed);
    expect(Buffer.compare(committed, faviconIco())).toBe(0);
  });

  describe("served by the brain from the built app", () => {
    let db: DbHandle;
    let brain: RunningBrain;
    beforeAll(async () => {
      db = await createDb();
      brain = await startBrain({ db, port: 0, staticDir: DIST });
    });
    afterAll(async () => {
      await brain?.close();
      await db?.close();
    });

    it("answers /favicon.ico with 200 and image/x-icon", async () => {
      const r = await fetch(`${brain.url}/favicon.ico`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("image/x-icon");
      expect(Buffer.compare(Buffer.from(await r.arrayBuffer()), committed)).toBe(0);
    });

    it("links both icons from index.html, and serves the svg as svg", async () => {
      const html = await (await fetch(`${brain.url}/machines/anything`)).text();
      expect(html).toMatch(/<link rel="icon" href="\/favicon\.ico"/);
      expect(html).toMatch(/<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml"/);
      const svg = await fetch(`${brain.url}/favicon.svg`);
      expect(svg.status).toBe(200);
      expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    });
  });

  describe("served by vite dev", () => {
    let vite: ViteDevServer;
    beforeAll(async () => {
      vite = await createServer({
        root: APP_ROOT,
        configFile: join(APP_ROOT, "vite.config.ts"),
        logLevel: "silent",
        server: { port: 0, host: "127.0.0.1" },
      });
      await vite.listen();
    });
    afterAll(async () => {
      await vite?.close();
    });

    it("answers /favicon.ico with 200 and image/x-icon", async () => {
      const base = vite.resolvedUrls?.local[0];
      if (!base) throw new Error("vite dev server has no local URL");
      const r = await fetch(new URL("favicon.ico", base));
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("image/x-icon");
      expectIco(Buffer.from(await r.arrayBuffer()));
    });
  });
});
