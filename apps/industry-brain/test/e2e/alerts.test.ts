import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { BatchReading } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { deliverDue } from "../../src/alerts/deliver.ts";
import { evaluateAlerts } from "../../src/alerts/evaluator.ts";
import { DEFAULT_SETTINGS, startBrain } from "../../src/server.ts";
import { type BrainClient, client, startTestBrain, type TestBrain } from "../harness.ts";

type WallData = {
  city: { name: string };
  machines: { total: number };
  coverage: { target: number };
  alerts: { ruleName: string }[];
};

const T0 = Date.UTC(2026, 10, 23, 6, 0, 0);
const MIN = 60_000;
const DING_SECRET = "SECtest-secret-0123456789";
const JSON_SECRET = "json-hmac-key";

interface Received {
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A local webhook receiver that checks each format like the real service would. */
function startReceiver(): Promise<{
  server: Server;
  url: string;
  got: Received[];
  flaky: { failures: number };
}> {
  const got: Received[] = [];
  const flaky = { failures: 2 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const body = Buffer.concat(chunks).toString("utf8");
      got.push({ path: u.pathname, query: u.searchParams, headers: req.headers, body });
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (u.pathname === "/ding") {
        // DingTalk: sign = Base64(HmacSHA256(secret, timestamp + "\n" + secret)), checked here on its own.
        const ts = u.searchParams.get("timestamp") ?? "";
        const want = createHmac("sha256", DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest("base64");
        const ok = u.searchParams.get("sign") === want;
        return answer(200, ok ? { errcode: 0, errmsg: "ok" } : { errcode: 310000, errmsg: "sign not match" });
      }
      if (u.pathname === "/wecom") return answer(200, { errcode: 0, errmsg: "ok" });
      if (u.pathname === "/flaky") {
        if (flaky.failures-- > 0) return answer(500, {});
        return answer(200, {});
      }
      if (u.pathname === "/dead") return answer(503, {});
      return answer(200, {});
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, flaky }),
    ),
  );
}

function pressStream(machine: string): BatchReading[] {
  const out: BatchReading[] = [];
  const r = (ts: number, point: string, signal: BatchReading["signal"], value: BatchReading["value"]) =>
    out.push({ machine, point, signal, ts, value, quality: "good" });
  r(T0, "State", "state", "running");
  r(T0, "Job", "job", "J-ALERT");
  for (let i = 0; i <= 10; i++) r(T0 + i * MIN, "Total", "totalCount", i * 100);
  r(T0 + 10 * MIN, "State", "state", "down");
  return out.sort((a, b) => a.ts - b.ts);
}

describeEachDb("alerts end to end: rules, lifecycle, webhooks to a local receiver", (db) => {
  let t: TestBrain;
  let clock = T0 + 40 * MIN;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let user: BrainClient;
  let ruleIds = { ding: 0, wecom: 0, json: 0, quiet: 0 };
  const stale = DEFAULT_SETTINGS.staleAfterMs;

  beforeAll(async () => {
    rx = await startReceiver();
    t = await startTestBrain(db.handle, { now: () => clock });
    await t.gateway("caihong-print").ingest.push.mutate({
      gatewayId: "gw-caihong-print",
      seq: 1,
      readings: pressStream("press-01"),
    });
    user = await t.signedIn("enterprise-user");
    const mk = async (name: string, kind: "machine-down" | "data-stale", minutes: number, hook: object) =>
      (
        await user.alerts.rules.create.mutate({
          name,
          kind,
          params: { minutes },
          enterprise: "caihong-print",
          ...hook,
        })
      ).id;
    ruleIds = {
      ding: await mk("停机钉钉", "machine-down", 15, {
        webhookUrl: `${rx.url}/ding?access_token=tok`,
        webhookFormat: "dingtalk",
        webhookSecret: DING_SECRET,
      }),
      wecom: await mk("数据过期企业微信", "data-stale", 20, {
        webhookUrl: `${rx.url}/wecom?key=k-1`,
        webhookFormat: "wecom",
      }),
      json: await mk("停机 JSON", "machine-down", 15, {
        webhookUrl: `${rx.url}/json`,
        webhookFormat: "json",
        webhookSecret: JSON_SECRET,
      }),
      quiet: await mk("没有超时", "machine-down", 45, {}),
    };
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => rx?.server.close(r));
  });

  it("never returns a webhook secret", async () => {
    const rules = await user.alerts.rules.list.query({});
    expect(JSON.stringify(rules)).not.toContain(DING_SECRET);
    expect(rules.find((r) => r.id === ruleIds.ding)?.hasSecret).toBe(true);
  });

  it("opens one alert per firing rule and subject, and never a duplicate on re-evaluation or restart", async () => {
    const first = await evaluateAlerts(db.handle, clock, stale);
    expect(first.opened).toBe(3); // ding + json (press-01 down 30 min), wecom (press-01 silent 30 min); quiet waits for 45
    expect((await evaluateAlerts(db.handle, clock, stale)).opened).toBe(0);
    // A restarted brain, or two replicas at once, evaluate the same facts: the evaluator keeps no
    // memory of its own, and the unresolved-alert index keeps each rule and subject at one alert.
    const twice = await Promise.all([
      evaluateAlerts(db.handle, clock, stale),
      evaluateAlerts(db.handle, clock, stale),
    ]);
    expect(twice.map((x) => x.opened)).toEqual([0, 0]);
    await expect(
      db.handle.query(sql`insert into alerts (rule_id, subject, subject_label) values (${ruleIds.ding}, 'machine:1', 'x'),
        (${ruleIds.ding}, 'machine:1', 'y')`),
    ).rejects.toThrow();
    const list = await user.alerts.list.query({});
    expect(list.counts.open).toBe(3);
    expect(list.items.every((a) => a.subjectLabel.includes("press-01") || a.subjectLabel.length > 0)).toBe(
      true,
    );
    expect(list.items.find((a) => a.ruleId === ruleIds.ding)?.value).toBeCloseTo(30, 6);
  });

  it("delivers DingTalk (signed), WeCom and signed JSON webhooks in their documented shapes", async () => {
    // By default the brain refuses private addresses (the receiver here is on 127.0.0.1): nothing is
    // sent, and the refusal is a retryable failure with the reason.
    const refused = await deliverDue(db.handle, { now: () => clock, random: () => 0 });
    expect(refused).toEqual({ delivered: 0, retried: 3, failed: 0 });
    expect(rx.got).toEqual([]);
    const why = await db.handle.query<{ last_error: string }>(
      sql`select last_error from alert_deliveries limit 1`,
    );
    expect(why[0]?.last_error).toMatch(/private address/);
    clock += 10_000; // past the first retry (5 s base, no jitter: 2.5 s)
    const r = await deliverDue(db.handle, { now: () => clock, allowPrivateTargets: true });
    expect(r).toEqual({ delivered: 3, retried: 0, failed: 0 });
    const ding = rx.got.find((g) => g.path === "/ding");
    expect(ding?.query.get("access_token")).toBe("tok");
    expect(ding?.query.get("timestamp")).toBe(String(clock));
    const dingBody = JSON.parse(ding?.body ?? "{}");
    expect(dingBody.msgtype).toBe("markdown");
    expect(dingBody.markdown.title).toContain("停机钉钉");
    expect(dingBody.markdown.text).toContain("30 min");
    const wecom = JSON.parse(rx.got.find((g) => g.path === "/wecom")?.body ?? "{}");
    expect(wecom.msgtype).toBe("markdown");
    expect(wecom.markdown.content).toContain("数据过期");
    const json = rx.got.find((g) => g.path === "/json");
    const ts = String(json?.headers["x-weft-timestamp"]);
    const sig = createHmac("sha256", JSON_SECRET).update(`${ts}.${json?.body}`).digest("hex");
    expect(json?.headers["x-weft-signature"]).toBe(`sha256=${sig}`);
    expect(JSON.parse(json?.body ?? "{}").type).toBe("alert.open");
    // Delivered once: another round sends nothing.
    const before = rx.got.length;
    expect(await deliverDue(db.handle, { now: () => clock, allowPrivateTargets: true })).toEqual({
      delivered: 0,
      retried: 0,
      failed: 0,
    });
    expect(rx.got.length).toBe(before);
  });

  it("acknowledges with who and when, then resolves by itself when the press runs again", async () => {
    const open = (await user.alerts.list.query({ status: "open" })).items;
    const ding = open.find((a) => a.ruleId === ruleIds.ding);
    if (!ding) throw new Error("no DingTalk alert");
    const ack = await user.alerts.acknowledge.mutate({ alert: ding.id });
    expect(ack).toMatchObject({ status: "acknowledged", changed: true });
    expect((await user.alerts.acknowledge.mutate({ alert: ding.id })).changed).toBe(false);
    clock += 5 * MIN;
    await t.gateway("caihong-print").ingest.push.mutate({
      gatewayId: "gw-caihong-print",
      seq: 2,
      readings: [
        {
          machine: "press-01",
          point: "State",
          signal: "state",
          ts: clock - 1000,
          value: "running",
          quality: "good",
        },
      ],
    });
    const e = await evaluateAlerts(db.handle, clock, stale);
    expect(e.resolved).toBe(3);
    const all = (await user.alerts.list.query({})).items;
    const done = all.find((a) => a.id === ding.id);
    expect(done?.status).toBe("resolved");
    expect(done?.history.map((h) => h.action)).toEqual(["open", "acknowledge", "resolve"]);
    const demoUser = t.demo.users.find((u) => u.role === "enterprise-user");
    expect(done?.history[1]?.actor).toBeTruthy();
    expect([demoUser?.email, demoUser?.name]).toContain(done?.history[1]?.actor);
    expect(done?.history[2]?.actor).toBeNull(); // the evaluator
    const r = await deliverDue(db.handle, { now: () => clock, allowPrivateTargets: true });
    expect(r.delivered).toBe(3);
    const resolved = rx.got.filter((g) => g.path === "/json").map((g) => JSON.parse(g.body).type);
    expect(resolved).toEqual(["alert.open", "alert.resolve"]);
  });

  it("retries a failing receiver with backoff, and gives up on a dead one after the last attempt", async () => {
    const policy = { baseMs: 1_000, maxDelayMs: 4_000, maxAttempts: 3 };
    const flaky = await user.alerts.rules.update.mutate({
      rule: ruleIds.quiet,
      webhookUrl: `${rx.url}/flaky`,
    });
    expect(flaky.webhookUrl).toContain("/flaky");
    const dead = await user.alerts.rules.create.mutate({
      name: "dead receiver",
      kind: "data-stale",
      params: { minutes: 0 },
      enterprise: "caihong-print",
      webhookUrl: `${rx.url}/dead`,
    });
    // The press goes down for 50 minutes: `quiet` (45 min) fires; `dead` fires on any age.
    await t.gateway("caihong-print").ingest.push.mutate({
      gatewayId: "gw-caihong-print",
      seq: 3,
      readings: [
        { machine: "press-01", point: "State", signal: "state", ts: clock, value: "down", quality: "good" },
      ],
    });
    clock += 50 * MIN;
    await evaluateAlerts(db.handle, clock, stale);
    const sent = (p: string) => rx.got.filter((g) => g.path === p).length;
    const rounds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await deliverDue(db.handle, {
        now: () => clock,
        policy,
        random: () => 0.5,
        allowPrivateTargets: true,
      });
      rounds.push(`${r.delivered}/${r.retried}/${r.failed}`);
      clock += 5_000; // past the longest delay of this policy
    }
    expect(sent("/flaky")).toBe(3); // two failures, then delivered
    expect(sent("/dead")).toBe(3); // three attempts, then given up
    const rows = await db.handle.query<{
      path: string;
      status: string;
      attempts: number;
      last_error: string | null;
    }>(
      sql`select r.webhook_url as path, d.status, d.attempts, d.last_error from alert_deliveries d
          join alerts a on a.id = d.alert_id join alert_rules r on r.id = a.rule_id
          where r.id in (${ruleIds.quiet}, ${dead.id}) order by r.id`,
    );
    expect(rows.map((r) => [r.path.replace(rx.url, ""), r.status, r.attempts])).toEqual([
      ["/flaky", "delivered", 3],
      ["/dead", "failed", 3],
    ]);
    expect(rows[1]?.last_error).toBe("HTTP 503");
    expect(rounds.slice(3)).toEqual(["0/0/0", "0/0/0", "0/0/0"]);
  });

  it("runs in the brain: a brain with its background jobs evaluates the rules and sends the webhook", async () => {
    await user.alerts.rules.create.mutate({
      name: "brain loop",
      kind: "data-stale",
      params: { minutes: 1 },
      enterprise: "caihong-print",
      webhookUrl: `${rx.url}/loop`,
      webhookFormat: "json",
    });
    clock += 10 * MIN;
    const running = await startBrain({
      db: db.handle,
      port: 0,
      now: () => clock,
      settings: { webhookAllowPrivate: true },
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!rx.got.some((g) => g.path === "/loop") && Date.now() < deadline) await sleep(250);
    } finally {
      await running.close();
    }
    const loop = rx.got.find((g) => g.path === "/loop");
    expect(JSON.parse(loop?.body ?? "{}").alert?.rule?.name).toBe("brain loop");
  }, 30_000);

  it("refuses a rule without a scope and a coverage rule on an enterprise, naming the field", async () => {
    await expect(user.alerts.rules.create.mutate({ name: "x", kind: "machine-down" })).rejects.toMatchObject({
      message: expect.stringContaining("enterprise, a park or a city"),
    });
    await expect(
      user.alerts.rules.create.mutate({ name: "x", kind: "coverage-below", enterprise: "caihong-print" }),
    ).rejects.toMatchObject({ message: expect.stringContaining("per park") });
  });

  it("the wall display answers to its token until a city-admin revokes it; only the hash is stored", async () => {
    const admin = await t.signedIn("city-admin");
    const issued = await admin.display.tokens.issue.mutate({ city: "taizhou", name: "control room" });
    const stored = await db.handle.query<{ token_hash: string }>(
      sql`select token_hash from display_tokens where id = ${issued.id}`,
    );
    expect(stored[0]?.token_hash).not.toContain(issued.token);
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const screen = client(t.url, {});
    const wall = async (token: string) =>
      fetch(`${t.url}/trpc/display.wall?input=${encodeURIComponent("{}")}`, {
        headers: { authorization: `Display ${token}` },
      });
    const ok = await wall(issued.token);
    expect(ok.status).toBe(200);
    const body = ((await ok.json()) as { result: { data: WallData } }).result.data;
    expect(body.city.name).toBeTruthy();
    expect(body.machines.total).toBeGreaterThan(0);
    expect(body.coverage.target).toBe(1);
    expect(body.alerts.some((a) => a.ruleName === "dead receiver")).toBe(true);
    await expect(screen.display.wall.query({})).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    await admin.display.tokens.revoke.mutate({ token: issued.id });
    expect((await wall(issued.token)).status).toBe(401);
  });

  it("fires oee-below from the rollups over the rule's window", async () => {
    const start = clock - 30 * MIN;
    const readings: BatchReading[] = [
      { machine: "press-02", point: "State", signal: "state", ts: start, value: "running", quality: "good" },
      { machine: "press-02", point: "Ideal", signal: "idealCycleS", ts: start, value: 1, quality: "good" },
    ];
    // 30 sheets a minute at an ideal cycle of 1 s: effectiveness 0.5, availability and quality 1.
    for (let i = 0; i <= 30; i++)
      readings.push({
        machine: "press-02",
        point: "Total",
        signal: "totalCount",
        ts: start + i * MIN,
        value: i * 30,
        quality: "good",
      });
    await t.gateway("caihong-print").ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: 10, readings });
    const rule = await user.alerts.rules.create.mutate({
      name: "OEE 低",
      kind: "oee-below",
      params: { minutes: 30, ratio: 0.8 },
      enterprise: "caihong-print",
    });
    await evaluateAlerts(db.handle, clock, stale);
    const [p2] = await db.handle.query<{ id: number }>(
      sql`select m.id from machines m join enterprises e on e.id = m.enterprise_id
          where e.key = 'caihong-print' and m.key = 'press-02'`,
    );
    const mine = (await user.alerts.list.query({ status: "open" })).items.filter((a) => a.ruleId === rule.id);
    const alert = mine.find((a) => a.subject === `machine:${p2?.id}`);
    // The window is widened to whole minutes, like every KPI query: all 900 sheets at 1 s each over
    // its running time.
    const minutes = Math.ceil(clock / MIN) - Math.floor((clock - 30 * MIN) / MIN);
    expect(minutes).toBe(clock % MIN === 0 ? 30 : 31);
    expect(alert?.value).toBeCloseTo(900 / (minutes * 60), 9);
    expect(alert?.subjectLabelEn).toContain("Taizhou Caihong Printing");
  });
});
