// The first run of a production brain: with no administrator it refuses to start and says how to
// create one; `weft-brain admin create-user` creates one, who then signs in. Real processes.
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createTestDb, type TestDb } from "@weft/db/testing";
import { cleanup, type ProcessTree, spawnNodeTs, tempDir } from "@weft/test-processes";
import { afterAll, describe, expect, it } from "vitest";
import { client } from "../harness.ts";

// DATABASE_URL is unset in the children: each test names its database on the command line.
const BIN = join(import.meta.dirname, "../../src/bin.ts");

afterAll(() => cleanup());

async function createUser(db: string[], email: string, password: string) {
  const proc = spawnNodeTs(BIN, ["admin", "create-user", "--email", email, "--password-stdin", ...db], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { LOG_LEVEL: "warn", DATABASE_URL: undefined },
  });
  proc.child.stdin?.end(`${password}\n`);
  return proc.output();
}

async function listening(proc: ProcessTree): Promise<string> {
  proc.child.stderr?.resume();
  for await (const line of createInterface({ input: proc.child.stdout as NodeJS.ReadableStream })) {
    const m = /"url":"(http:[^"]+)"/.exec(line);
    if (m?.[1]) return m[1];
  }
  throw new Error("the brain exited before listening");
}

async function signsIn(db: string[], email: string, password: string): Promise<void> {
  const proc = spawnNodeTs(BIN, ["--port", "0", ...db], {
    env: { LOG_LEVEL: "info", DATABASE_URL: undefined },
  });
  const url = await listening(proc);
  expect((await fetch(`${url}/health`)).status).toBe(200);
  const me = await client(url).auth.login.mutate({ email, password });
  expect(me.role).toBe("city-admin");
  await proc.stop();
}

describe("first run on PGlite", () => {
  it("create-user in a data directory, then that administrator signs in", async () => {
    const db = ["--data-dir", tempDir("weft-first-run-")];
    const made = await createUser(db, "first@park.example", "first run secret");
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^created city-admin first@park\.example \(id \d+\)/);
    const again = await createUser(db, "FIRST@park.example", "first run secret");
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    await signsIn(db, "first@park.example", "first run secret");
  }, 120_000);
});

describe.runIf(Boolean(process.env.DATABASE_URL))("first run on PostgreSQL", () => {
  let pg: TestDb | undefined;
  afterAll(async () => {
    await cleanup();
    await pg?.close();
  });

  it("refuses to start with no administrator and names the command that creates one", async () => {
    pg = await createTestDb("postgres");
    const db = ["--database-url", pg.url ?? ""];
    const refused = await spawnNodeTs(BIN, ["--port", "0", ...db], {
      env: { LOG_LEVEL: "warn", DATABASE_URL: undefined },
    }).output();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no administrator/);
    expect(refused.stderr).toMatch(/weft-brain admin create-user --email/);
    const short = await createUser(db, "ops@park.example", "short");
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/password: use at least 10 characters/);
    const made = await createUser(db, "ops@park.example", "postgres first run");
    expect(made.code, made.stderr).toBe(0);
    await signsIn(db, "ops@park.example", "postgres first run");
  }, 120_000);
});
