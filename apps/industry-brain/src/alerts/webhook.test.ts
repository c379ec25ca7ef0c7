import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AlertMessage, accepted, buildWebhook, dingTalkSign, jsonSignature } from "./webhook.ts";

const msg: AlertMessage = {
  alertId: 7,
  event: "open",
  rule: { id: 3, name: "印刷机停机", kind: "machine-down" },
  subject: "machine:12",
  subjectLabel: "海德堡 1 号机",
  value: 17.4,
  openedAt: Date.UTC(2026, 11, 5, 8),
  resolvedAt: null,
};

describe("webhook formats", () => {
  it("signs DingTalk as documented: HmacSHA256(secret, ts\\nsecret), Base64, URL-encoded", () => {
    // Worked by hand with Node's HMAC, independent of dingTalkSign's own code path.
    const ts = 1_700_000_000_000;
    const secret = "SECabc123";
    const b64 = createHmac("sha256", secret).update(`${ts}\n${secret}`).digest("base64");
    expect(decodeURIComponent(dingTalkSign(ts, secret))).toBe(b64);
    const req = buildWebhook(
      "dingtalk",
      "https://oapi.dingtalk.com/robot/send?access_token=t",
      secret,
      msg,
      ts,
    );
    const u = new URL(req.url);
    expect(u.searchParams.get("access_token")).toBe("t");
    expect(u.searchParams.get("timestamp")).toBe(String(ts));
    expect(u.searchParams.get("sign")).toBe(b64);
    const body = JSON.parse(req.body);
    expect(body.msgtype).toBe("markdown");
    expect(body.markdown.title).toContain("印刷机停机");
    expect(body.markdown.text).toContain("海德堡 1 号机");
    expect(body.markdown.text).toContain("17 min");
  });

  it("sends WeCom markdown with the key left in the URL", () => {
    const req = buildWebhook("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", null, msg, 1);
    expect(req.url).toBe("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k");
    const body = JSON.parse(req.body);
    expect(Object.keys(body).sort()).toEqual(["markdown", "msgtype"]);
    expect(body.markdown.content).toContain("设备停机或离线");
  });

  it("property: the generic JSON signature verifies only for the exact body and timestamp", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0 }), fc.string({ minLength: 1 }), (name, ts, secret) => {
        const req = buildWebhook("json", "http://h/x", secret, { ...msg, rule: { ...msg.rule, name } }, ts);
        const sig = req.headers["x-weft-signature"];
        expect(sig).toBe(`sha256=${jsonSignature(ts, req.body, secret)}`);
        expect(sig).not.toBe(`sha256=${jsonSignature(ts + 1, req.body, secret)}`);
        expect(JSON.parse(req.body).alert.rule.name).toBe(name);
      }),
    );
  });

  it("takes a chat robot's errcode as the answer, not only the HTTP status", () => {
    expect(accepted("dingtalk", 200, '{"errcode":0,"errmsg":"ok"}').ok).toBe(true);
    expect(accepted("dingtalk", 200, '{"errcode":310000,"errmsg":"sign not match"}')).toEqual({
      ok: false,
      error: "errcode 310000: sign not match",
    });
    expect(accepted("json", 204, "").ok).toBe(true);
    expect(accepted("wecom", 500, "").ok).toBe(false);
  });
});
