import { WeftError } from "@weft/core";
import { queryPrepared, type WeftDb } from "@weft/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * How sign-in guessing is slowed, in the database so every brain process shares it. Each attempt
 * is counted BEFORE the password hash, in one atomic upsert per key, so parallel guesses cannot
 * all slip past a check. Keys:
 *
 * - address + account: `free` attempts, then each further one waits `2^(n-free+1)` s (2 s, 4 s,
 *   8 s, … up to `maxDelayMs`). A guesser at one address is slowed to a crawl; the real user at
 *   another address is not affected at all.
 * - address (every account): `perAddress` attempts, then the same doubling (password spraying).
 * - account, counting only addresses the account has never signed in from (in 30 days):
 *   `perAccount` attempts, then the doubling. This slows a guesser who rotates addresses, and
 *   cannot lock the real user out: their usual addresses are exempt from it.
 *
 * A key forgets its failures after a day without attempts; a successful sign-in clears the
 * address + account key (the address and account keys decay on their own, so a guesser who also
 * owns an account cannot reset them by signing in to it).
 */
export interface LoginLimits {
  /** Attempts per address and account before delays start. */
  perAccountAndAddress: number;
  /** Attempts per address (over all accounts) before delays start. */
  perAddress: number;
  /** Attempts per account from addresses it never signed in from, before delays start. */
  perAccount: number;
  /** Longest delay between two attempts on a key (ms). */
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccountAndAddress: 5,
  perAddress: 30,
  perAccount: 20,
  maxDelayMs: 15 * 60_000,
};

const BASE_DELAY_MS = 2_000;
const FORGET_AFTER_MS = 24 * 3_600_000;
const KNOWN_FOR_MS = 30 * 86_400_000;
const SWEEP_EVERY_MS = 3_600_000;

const ts = (ms: number) => sql`to_timestamp(${ms / 1000}::float8)`;
const lastSweep = new WeakMap<object, number>();

/**
 * Count one attempt on `key`; refused (nothing counted) while the key waits out a delay.
 * @example await reserveAttempt(db, "login:ip:10.0.0.9", 30, limits.maxDelayMs, Date.now())
 */
export async function reserveAttempt(
  db: WeftDb,
  key: string,
  free: number,
  maxDelayMs: number,
  nowMs: number,
): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
  await sweep(db, nowMs);
  const now = ts(nowMs);
  const locked = sql`(t.locked_until is not null and t.locked_until > ${now})`;
  const failures = sql`(case when t.last_at <= ${ts(nowMs - FORGET_AFTER_MS)} then 1 else t.failures + 1 end)`;
  // The exponent is capped so a long siege cannot overflow float8.
  const delayMs = (n: SQL) =>
    sql`(case when ${n} < ${free}::int then 0
         else least(${maxDelayMs}::float8, ${BASE_DELAY_MS}::float8 * power(2, least(${n} - ${free}::int, 40))) end)`;
  const [row] = await queryPrepared<{ refused: boolean; locked_until: unknown }>(
    db,
    sql`insert into login_throttle as t (key, failures, locked_until, last_at, refused)
        values (${key}, 1, ${now} + make_interval(secs => ${delayMs(sql`1`)} / 1000), ${now}, false)
        on conflict (key) do update set
          refused = ${locked},
          failures = case when ${locked} then t.failures else ${failures} end,
          locked_until = case when ${locked} then t.locked_until
            else ${now} + make_interval(secs => ${delayMs(failures)} / 1000) end,
          last_at = case when ${locked} then t.last_at else ${now} end
        returning refused, locked_until`,
  );
  if (!row?.refused) return { ok: true };
  const until = new Date(row.locked_until as string | Date).getTime();
  return { ok: false, retryAfterMs: Math.max(0, until - nowMs) };
}

/** Forget a key's failures (a successful sign-in clears its address + account key). */
export async function forgetAttempts(db: WeftDb, key: string): Promise<void> {
  await queryPrepared(db, sql`delete from login_throttle where key = ${key}`);
}

const knownKey = (email: string, ip: string) => `known:${email}|${ip}`;

/** Remember that `email` signed in from `ip` (exempts the address from the account-wide delay). */
export async function rememberAddress(db: WeftDb, email: string, ip: string, nowMs: number): Promise<void> {
  await queryPrepared(
    db,
    sql`insert into login_throttle (key, failures, last_at) values (${knownKey(email, ip)}, 0, ${ts(nowMs)})
        on conflict (key) do update set last_at = excluded.last_at`,
  );
}

/** True when `email` signed in from `ip` within the last 30 days. */
export async function isKnownAddress(db: WeftDb, email: string, ip: string, nowMs: number): Promise<boolean> {
  const rows = await queryPrepared(
    db,
    sql`select 1 from login_throttle where key = ${knownKey(email, ip)} and last_at > ${ts(nowMs - KNOWN_FOR_MS)}`,
  );
  return rows.length > 0;
}

/** Drop what no longer matters: quiet, unlocked keys after a day, known addresses after 30 days. */
async function sweep(db: WeftDb, nowMs: number): Promise<void> {
  if (nowMs - (lastSweep.get(db) ?? 0) < SWEEP_EVERY_MS) return;
  lastSweep.set(db, nowMs);
  await queryPrepared(
    db,
    sql`delete from login_throttle where
          (starts_with(key, 'known:') and last_at < ${ts(nowMs - KNOWN_FOR_MS)})
          or (not starts_with(key, 'known:') and last_at < ${ts(nowMs - FORGET_AFTER_MS)}
              and coalesce(locked_until, last_at) < ${ts(nowMs)})`,
  );
}

/** The RATE_LIMITED answer for a refused attempt (it says nothing about the password). */
export function tooManyAttempts(retryAfterMs: number): WeftError {
  const s = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new WeftError("RATE_LIMITED", `too many sign-in attempts; try again in ${s} s`, {
    fix: `wait ${s} s before trying again`,
    details: { retryAfterS: s },
  });
}
