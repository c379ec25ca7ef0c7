import { createHmac } from "node:crypto";
import type { AlertKind, WebhookFormat } from "@weft/db/schema";

/** What a webhook tells about one alert event. */
export interface AlertMessage {
  alertId: number;
  event: "open" | "resolve";
  rule: { id: number; name: string; kind: AlertKind };
  subject: string;
  subjectLabel: string;
  value: number | null;
  openedAt: number;
  resolvedAt: number | null;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const KIND_ZH: Record<AlertKind, string> = {
  "machine-down": "设备停机或离线",
  "oee-below": "OEE 低于阈值",
  "gateway-silent": "网关失联",
  "gateway-backlog": "网关积压",
  "data-stale": "数据过期",
  "coverage-below": "覆盖率低于目标",
};

/** A readable value: ratios as percentages, durations in minutes. */
function valueText(m: AlertMessage): string {
  if (m.value === null) return "";
  const ratio = m.rule.kind === "oee-below" || m.rule.kind === "coverage-below";
  return ratio ? `${(m.value * 100).toFixed(1)}%` : `${Math.round(m.value)} min`;
}

/** The Markdown text the chat robots show (Chinese: the robots post into Chinese work chats). */
export function markdownOf(m: AlertMessage): { title: string; text: string } {
  const state = m.event === "open" ? "告警" : "已恢复";
  const title = `[Weft ${state}] ${m.rule.name}`;
  const lines = [
    `### ${title}`,
    `- 类型：${KIND_ZH[m.rule.kind]}`,
    `- 对象：${m.subjectLabel}`,
    `- 数值：${valueText(m)}`,
    `- 发生：${new Date(m.openedAt).toISOString()}`,
  ];
  if (m.resolvedAt !== null) lines.push(`- 恢复：${new Date(m.resolvedAt).toISOString()}`);
  return { title, text: lines.join("\n") };
}

/**
 * DingTalk's custom-robot signature: HmacSHA256 over `timestamp + "\n" + secret` with the secret as
 * key, Base64, then URL-encoded; sent as `timestamp` and `sign` query parameters.
 */
export function dingTalkSign(timestamp: number, secret: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}\n${secret}`, "utf8").digest("base64");
  return encodeURIComponent(mac);
}

/** The generic webhook's signature: hex HMAC-SHA256 of `timestamp.body`. */
export function jsonSignature(timestamp: number, body: string, secret: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

function withQuery(url: string, q: string): string {
  return url + (url.includes("?") ? "&" : "?") + q;
}

/** The HTTP request for one alert event in the target's format. */
export function buildWebhook(
  format: WebhookFormat,
  url: string,
  secret: string | null,
  m: AlertMessage,
  now: number,
): WebhookRequest {
  const headers = { "content-type": "application/json" };
  switch (format) {
    case "dingtalk": {
      const md = markdownOf(m);
      const body = JSON.stringify({ msgtype: "markdown", markdown: { title: md.title, text: md.text } });
      const signed = secret ? withQuery(url, `timestamp=${now}&sign=${dingTalkSign(now, secret)}`) : url;
      return { url: signed, headers, body };
    }
    case "wecom": {
      // WeCom group robots authenticate by the `key` in their URL; they document no signature.
      const body = JSON.stringify({ msgtype: "markdown", markdown: { content: markdownOf(m).text } });
      return { url, headers, body };
    }
    case "json": {
      const body = JSON.stringify({ type: `alert.${m.event}`, alert: m });
      const h: Record<string, string> = { ...headers, "x-weft-timestamp": String(now) };
      if (secret) h["x-weft-signature"] = `sha256=${jsonSignature(now, body, secret)}`;
      return { url, headers: h, body };
    }
  }
}

/**
 * Did the receiver take it? 2xx, and for the chat robots also `errcode: 0` in the answer (they
 * answer 200 with an error code when the signature or keyword check fails).
 */
export function accepted(
  format: WebhookFormat,
  status: number,
  body: string,
): { ok: boolean; error: string | null } {
  if (status < 200 || status >= 300) return { ok: false, error: `HTTP ${status}` };
  if (format === "json") return { ok: true, error: null };
  try {
    const r = JSON.parse(body) as { errcode?: unknown; errmsg?: unknown };
    if (r.errcode === 0) return { ok: true, error: null };
    return { ok: false, error: `errcode ${String(r.errcode)}: ${String(r.errmsg ?? "")}` };
  } catch {
    return { ok: false, error: "answer is not JSON" };
  }
}
