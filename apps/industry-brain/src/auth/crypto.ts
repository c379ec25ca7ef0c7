import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { type Algorithm, hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";

/** `Algorithm.Argon2id` (an ambient const enum, which isolated modules cannot read). */
const ARGON2ID = 2 as Algorithm;

/**
 * argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 20 ms here. A
 * stored hash carries its own parameters, so raising these rehashes each user at their next sign-in.
 */
export const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hash a password with argon2id; the PHC string carries its parameters and salt.
 * @example const stored = await hashPassword("s3cret-s3cret"); await verifyPassword("s3cret-s3cret", stored) // true
 */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, { algorithm: ARGON2ID, ...ARGON2 });
}

/**
 * Constant-time check of a password against a stored hash: argon2id (`$argon2id$…`), or the
 * scrypt hashes (`scrypt$N$r$p$salt$key`) stored before argon2id, still accepted so that their
 * owners can sign in once and be rehashed ({@link needsRehash}).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith("$argon2")) {
    try {
      return await argon2Verify(stored, password);
    } catch {
      return false; // a malformed stored hash matches nothing
    }
  }
  return verifyScrypt(password, stored);
}

/** True when a stored hash is not argon2id with at least the current parameters. */
export function needsRehash(stored: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!m) return true;
  return (
    Number(m[1]) < ARGON2.memoryCost || Number(m[2]) < ARGON2.timeCost || Number(m[3]) < ARGON2.parallelism
  );
}

function scryptAsync(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The legacy scrypt format; N is bounded so a tampered row cannot make a sign-in take minutes. */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return false;
  const N = Number(n);
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || Number(r) > 32 || Number(p) > 16) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64url"), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r) + 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A legacy scrypt hash (N=2^14) as stored before argon2id; for tests of the rehash path only. */
export async function legacyScryptHash(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, 32, { N: 16_384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** SHA-256 hex of a high-entropy secret (API keys, session tokens). */
export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const API_KEY_RE = /^wft_([a-z0-9]{10})_([A-Za-z0-9_-]{32,})$/;

/** A new gateway API key `wft_<prefix>_<secret>`; only `prefix` and `hash` are stored. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(8).toString("hex").slice(0, 10);
  const key = `wft_${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: sha256Hex(key) };
}

/** An API key made from a fixed seed (demo data only, so demo gateways can be started with known keys). */
export function apiKeyFromSeed(seed: string): { key: string; prefix: string; hash: string } {
  const digest = createHash("sha256").update(`weft-demo-key:${seed}`).digest();
  const prefix = digest.subarray(0, 5).toString("hex");
  const key = `wft_${prefix}_${digest.subarray(5, 32).toString("base64url")}${digest.subarray(0, 8).toString("base64url")}`;
  return { key, prefix, hash: sha256Hex(key) };
}

/** The lookup prefix of a well-formed API key, or null. */
export function apiKeyPrefix(key: string): string | null {
  return API_KEY_RE.exec(key)?.[1] ?? null;
}

/** A new opaque session token (the cookie value); store only its SHA-256. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}
