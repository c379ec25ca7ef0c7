import { TRPCError } from "@trpc/server";
import { WeftError } from "@weft/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { effectiveCode, errorData, isDatabaseUnavailable, toTRPCError, trpcCodeFor } from "./errors.ts";

describe("error mapping", () => {
  it("maps WeftError codes to tRPC codes in one place", () => {
    expect(trpcCodeFor("VALIDATION_FAILED")).toBe("BAD_REQUEST");
    expect(trpcCodeFor("CONFIG_INVALID")).toBe("BAD_REQUEST");
    expect(trpcCodeFor("RANGE_INVALID")).toBe("BAD_REQUEST");
    expect(trpcCodeFor("UNAUTHORIZED")).toBe("UNAUTHORIZED");
    expect(trpcCodeFor("FORBIDDEN")).toBe("FORBIDDEN");
    expect(trpcCodeFor("NOT_FOUND")).toBe("NOT_FOUND");
    expect(trpcCodeFor("CONFLICT")).toBe("CONFLICT");
    expect(trpcCodeFor("RATE_LIMITED")).toBe("TOO_MANY_REQUESTS");
    expect(trpcCodeFor("INTERNAL")).toBe("INTERNAL_SERVER_ERROR");
    expect(trpcCodeFor("SEQ_CONFLICT")).toBe("CONFLICT");
    expect(trpcCodeFor("UNAVAILABLE")).toBe("SERVICE_UNAVAILABLE");
  });

  it("passes a seq conflict's recovery facts to the gateway", () => {
    const err = new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      cause: new WeftError("SEQ_CONFLICT", "clash", { field: "seq", details: { seq: 7, lastSeq: 9 } }),
    });
    expect(effectiveCode(err)).toBe("CONFLICT");
    expect(errorData(err).details).toEqual({ seq: 7, lastSeq: 9 });
    const other = new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      cause: new WeftError("FORBIDDEN", "no", { details: { internal: true } }),
    });
    expect(errorData(other).details).toBeNull();
  });

  it("tells a database that is down (503, retry) from a bug (500)", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    const wrapped = new Error("Failed query: insert …", { cause: terminated });
    const closed = new Error("PGlite is closed");
    for (const e of [refused, wrapped, closed]) {
      expect(isDatabaseUnavailable(e)).toBe(true);
      const t = new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: e });
      expect(effectiveCode(t)).toBe("SERVICE_UNAVAILABLE");
      expect(errorData(t)).toMatchObject({ weftCode: "UNAVAILABLE", details: { retryAfterS: 5 } });
    }
    expect(toTRPCError(refused).code).toBe("SERVICE_UNAVAILABLE");
    const bug = Object.assign(new Error('column "x" does not exist'), { code: "42703" });
    expect(isDatabaseUnavailable(bug)).toBe(false);
    expect(effectiveCode(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: bug }))).toBe(
      "INTERNAL_SERVER_ERROR",
    );
  });

  it("recognises a WeftError cause inside an INTERNAL_SERVER_ERROR and keeps its field and fix", () => {
    const err = new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      cause: new WeftError("RANGE_INVALID", "bad", { field: "bucket", fix: "coarser" }),
    });
    expect(effectiveCode(err)).toBe("BAD_REQUEST");
    expect(errorData(err)).toEqual({
      weftCode: "RANGE_INVALID",
      fields: [{ field: "bucket", message: "bad" }],
      fix: "coarser",
      details: null,
    });
  });

  it("names the zod field that failed", () => {
    const parsed = z
      .object({ readings: z.array(z.object({ ts: z.number() })) })
      .safeParse({ readings: [{ ts: "x" }] });
    const err = new TRPCError({ code: "BAD_REQUEST", cause: parsed.error });
    expect(errorData(err).fields?.[0]?.field).toBe("readings[0].ts");
  });
});
