import { describe, expect, it } from "vitest";
import type { Access } from "./auth/access.ts";
import { appRouter } from "./root.ts";

/** Procedures anyone may call without credentials; adding one means adding it here, on purpose. */
const PUBLIC = ["auth.login", "auth.logout", "auth.me", "health", "industries.list"];

const procedures = Object.entries(appRouter._def.procedures) as [
  string,
  { _def: { meta?: { access?: Access } } },
][];

describe("the authorization layer", () => {
  it("finds the router's procedures", () => {
    expect(procedures.length).toBeGreaterThan(40);
  });

  it("has a declared access for every procedure: who, and what it touches or lists", () => {
    const undeclared: string[] = [];
    for (const [path, p] of procedures) {
      const a = p._def.meta?.access;
      const ok =
        a !== undefined &&
        (a.kind === "public" || a.kind === "self" || a.kind === "gateway" || a.kind === "display"
          ? a.reason.trim().length > 10
          : a.roles.length > 0 && (a.touches || a.lists.length > 0));
      if (!ok) undeclared.push(path);
    }
    expect(undeclared).toEqual([]);
  });

  it("opens only the listed procedures to anonymous callers, and ingest only to gateways", () => {
    const kinds = (k: Access["kind"]) =>
      procedures
        .filter(([, p]) => p._def.meta?.access?.kind === k)
        .map(([path]) => path)
        .sort();
    expect(kinds("public")).toEqual(PUBLIC);
    expect(kinds("gateway")).toEqual(["ingest.push", "ingest.state"]);
    expect(kinds("self")).toEqual(["auth.changePassword"]);
    // The wall display's read-only token reaches this one procedure and nothing else.
    expect(kinds("display")).toEqual(["display.wall"]);
  });

  it("declares writes on every mutation that takes a target", () => {
    const reads: string[] = [];
    let writes = 0;
    for (const [path, p] of procedures) {
      const a = p._def.meta?.access;
      const type = (p._def as { type?: string }).type;
      if (a?.kind !== "user" || type !== "mutation" || !a.touches) continue;
      if (a.mode === "write") writes++;
      else reads.push(path);
    }
    expect(reads).toEqual([]);
    expect(writes).toBeGreaterThanOrEqual(15);
  });
});
