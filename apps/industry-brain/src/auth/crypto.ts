import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

const SCRYPT = { N: 16_384, r: 8, p: 1, keyLen: 32 } as const;

function scryptAsync(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hash a password with scrypt; the result carries its parameters and salt.
 * @example const stored = await hashPassword("s3cret"); await verifyPassword("s3cret", stored) // true
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Constant-time check of a password against {@link hashPassword}'s output. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
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
