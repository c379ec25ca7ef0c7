import { isWeftError, WeftError, type WeftErrorCode } from "@weft/core";

const RULES: { match: RegExp; code: WeftErrorCode; status: string; fix: string; field?: string }[] = [
  {
    match: /BadCertificateUntrusted|certificate.*(untrusted|not trusted)|BadSecurityChecksFailed/i,
    code: "SECURITY_REJECTED",
    status: "BadCertificateUntrusted",
    fix: "trust the server certificate: `weft-gateway opcua trust <endpointUrl>` (or move it from pki/rejected to pki/trusted)",
    field: "pki",
  },
  {
    match: /BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid|BadUserSignatureInvalid/i,
    code: "UNAUTHORIZED",
    status: "BadUserAccessDenied",
    fix: "check identity.username and identity.password (or the user certificate) against the server's users",
    field: "identity",
  },
  {
    match: /BadTooManySessions/i,
    code: "RATE_LIMITED",
    status: "BadTooManySessions",
    fix: "the server has no free session; close other clients or raise its session limit",
  },
  {
    match: /BadTooManySubscriptions/i,
    code: "RATE_LIMITED",
    status: "BadTooManySubscriptions",
    fix: "the server allows fewer subscriptions; lower the point count or use acquisition.mode=poll",
  },
  {
    match: /BadTooManyMonitoredItems/i,
    code: "RATE_LIMITED",
    status: "BadTooManyMonitoredItems",
    fix: "the server allows fewer monitored items; set acquisition.maxMonitoredItemsPerSubscription",
  },
  {
    match:
      /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EPIPE|socket|connection|timeout|timed out|premature/i,
    code: "DEVICE_UNREACHABLE",
    status: "BadCommunicationError",
    fix: "check that the server runs and endpointUrl's host and port are reachable from the gateway",
  },
];

/** OPC UA status name for a connection-level failure (used in bad readings). */
export function statusOfError(err: unknown): string {
  if (isWeftError(err) && typeof err.details?.status === "string") return err.details.status;
  const msg = err instanceof Error ? err.message : String(err);
  return (
    RULES.find((r) => r.match.test(msg))?.status ??
    /\b(Bad[A-Za-z]+)/.exec(msg)?.[1] ??
    "BadCommunicationError"
  );
}

/** Wrap a node-opcua failure in a WeftError with a fix; WeftErrors pass through. */
export function toWeftError(err: unknown, what: string, endpointUrl: string): WeftError {
  if (isWeftError(err)) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const rule = RULES.find((r) => r.match.test(msg));
  const firstLine = msg.split("\n")[0]?.slice(0, 300) ?? msg;
  return new WeftError(rule?.code ?? "PROTOCOL_ERROR", `${what} ${endpointUrl}: ${firstLine}`, {
    cause: err,
    ...(rule?.field ? { field: rule.field } : {}),
    fix: rule?.fix ?? "see the cause; check the server's log",
    details: { status: rule?.status ?? statusOfError(err) },
  });
}
