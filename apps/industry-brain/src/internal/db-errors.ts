/** PostgreSQL unique_violation (23505), from postgres.js or PGlite, possibly wrapped by drizzle. */
export function isUniqueViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 5 && typeof e === "object" && e !== null; i++) {
    if ("code" in e && (e as { code: unknown }).code === "23505") return true;
    e = "cause" in e ? (e as { cause: unknown }).cause : undefined;
  }
  return false;
}
