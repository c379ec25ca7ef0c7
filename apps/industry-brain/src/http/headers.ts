import type { ServerResponse } from "node:http";

/**
 * The Content-Security-Policy of park-admin's pages. Scripts only from the brain's own origin (no
 * inline script, no eval), no plugins, no framing, no <base> tricks, forms post only here.
 * Style sheets come from our origin only; style *attributes* are allowed because ECharts writes
 * its tooltip markup with inline styles (attributes cannot run script or select elements).
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** API answers (JSON, event streams) are never a document: nothing may load from or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Headers every response carries, HTML or API, success or error. `secure` (HTTPS, directly or
 * behind a trusted TLS proxy) adds HSTS.
 */
export function setSecurityHeaders(res: ServerResponse, kind: "app" | "api", secure: boolean): void {
  res.setHeader("Content-Security-Policy", kind === "app" ? APP_CSP : API_CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  if (secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  // Tenant data must not linger in shared caches or the browser's back-forward cache.
  if (kind === "api") res.setHeader("Cache-Control", "no-store");
}
