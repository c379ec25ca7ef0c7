import { TRPCError } from "@trpc/server";
import { WeftError } from "@weft/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { effectiveCode, errorData, trpcCodeFor } from "./errors.ts";

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
