import { WeftError } from "@weft/core";
import { auditLog, enterprises } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { UserPrincipal } from "../auth/principal.ts";
import type { BrainContext } from "../context.ts";
import {
  type ImportContext,
  type ImportReport,
  MAX_IMPORT_BYTES,
  readTable,
  validateImport,
} from "../coverage/import.ts";
import { coverageScope } from "../coverage/scope.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

/** base64 of at most MAX_IMPORT_BYTES, checked before decoding. */
const FileInput = z.object({
  filename: z.string().trim().min(1).max(255),
  base64: z.string(),
  defaultParkId: z.number().int().positive().nullish(),
});
type FileInput = z.infer<typeof FileInput>;

async function importContext(
  ctx: BrainContext,
  user: UserPrincipal,
  defaultParkId: number | null,
): Promise<ImportContext> {
  const scope = await coverageScope(ctx.handle, user);
  const parkRows = await ctx.handle.query<{
    id: number;
    key: string;
    name: string;
    name_en: string | null;
  }>(sql`select id, key, name, name_en from parks
    where city_id = ${scope.cityId} ${
      scope.parkIds === null
        ? sql``
        : sql`and id in (${sql.join(
            (scope.parkIds.length ? scope.parkIds : [-1]).map((p) => sql`${p}`),
            sql`, `,
          )})`
    }`);
  const parks = new Map<string, number>();
  for (const p of parkRows) {
    // By name too: the coverage export names parks, and an export must re-import unchanged.
    parks.set(p.name, Number(p.id));
    if (p.name_en) parks.set(p.name_en, Number(p.id));
    parks.set(p.key, Number(p.id));
    parks.set(String(p.id), Number(p.id));
  }
  const existing = await ctx.handle.query<{ credit_code: string; key: string }>(
    sql`select credit_code, key from enterprises`,
  );
  const def = defaultParkId ?? null;
  if (def !== null && ![...parks.values()].includes(def)) {
    throw new WeftError("NOT_FOUND", `park ${def} does not exist or is not visible to you`, {
      field: "defaultParkId",
    });
  }
  return {
    parks,
    defaultParkId: def,
    existingCreditCodes: new Set(existing.map((e) => e.credit_code.toUpperCase())),
    existingKeys: new Set(existing.map((e) => e.key)),
  };
}

async function buildReport(ctx: BrainContext, user: UserPrincipal, input: FileInput): Promise<ImportReport> {
  const maxB64 = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;
  const approxBytes = Math.floor((input.base64.length * 3) / 4);
  if (input.base64.length > maxB64) {
    return {
      fileIssues: [{ problem: "too-large", detail: `${approxBytes} bytes; at most ${MAX_IMPORT_BYTES}` }],
      rows: [],
      valid: 0,
      invalid: 0,
    };
  }
  const bytes = Buffer.from(input.base64, "base64");
  let table: string[][];
  try {
    table = await readTable(input.filename, bytes);
  } catch (err) {
    return {
      fileIssues: [{ problem: "unreadable", detail: err instanceof Error ? err.message : String(err) }],
      rows: [],
      valid: 0,
      invalid: 0,
    };
  }
  return validateImport(table, await importContext(ctx, user, input.defaultParkId ?? null));
}

export const adminImportRouter = createTRPCRouter({
  /** Validate a CSV/XLSX file row by row. Stores nothing. */
  preview: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    mode: "write",
    input: FileInput,
    touches: (i) => ({ park: i.defaultParkId ?? undefined }),
    fields: { park: "defaultParkId" },
    lists: ["enterprises"],
  }).mutation(({ ctx, input }) => buildReport(ctx, ctx.user, input)),

  /**
   * Import the accepted rows (by file line) in one transaction. The file is validated again;
   * if any accepted row is not valid now, nothing is imported.
   */
  commit: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    mode: "write",
    input: FileInput.extend({ acceptLines: z.array(z.number().int().min(2)).min(1).max(20_000) }),
    touches: (i) => ({ park: i.defaultParkId ?? undefined }),
    fields: { park: "defaultParkId" },
    lists: ["enterprises"],
  }).mutation(async ({ ctx, input }) => {
    const report = await buildReport(ctx, ctx.user, input);
    if (report.fileIssues.length > 0) {
      throw new WeftError(
        "VALIDATION_FAILED",
        `the file cannot be imported: ${report.fileIssues[0]?.problem}`,
        {
          field: "base64",
        },
      );
    }
    const byLine = new Map(report.rows.map((r) => [r.line, r]));
    const accepted = [...new Set(input.acceptLines)].map((l) => byLine.get(l));
    const bad = input.acceptLines.filter((l) => !byLine.get(l)?.ok);
    if (bad.length > 0) {
      throw new WeftError(
        "CONFLICT",
        `lines ${bad.slice(0, 10).join(", ")} are not valid any more; preview again`,
        {
          field: "acceptLines",
        },
      );
    }
    const values = accepted.flatMap((r) =>
      r?.values.parkId
        ? [
            {
              key: r.values.key,
              parkId: r.values.parkId,
              name: r.values.name,
              nameEn: r.values.nameEn,
              creditCode: r.values.creditCode,
              industryCode: r.values.industryCode,
              aboveScale: r.values.aboveScale,
              declaredMachines: r.values.declaredMachines,
            },
          ]
        : [],
    );
    const at = new Date(ctx.now());
    const ids = await ctx.handle.db.transaction(async (tx) => {
      const inserted: { id: number }[] = [];
      for (let i = 0; i < values.length; i += 1_000) {
        inserted.push(
          ...(await tx
            .insert(enterprises)
            .values(values.slice(i, i + 1_000))
            .returning({ id: enterprises.id })),
        );
      }
      await tx.insert(auditLog).values({
        actor: `user:${ctx.user.id}`,
        actorUserId: ctx.user.id,
        action: "enterprises.import",
        target: `file:${input.filename}`,
        at,
        details: { imported: inserted.length, lines: input.acceptLines.length },
      });
      return inserted.map((r) => r.id);
    });
    return { imported: ids.length, enterpriseIds: ids };
  }),
});
