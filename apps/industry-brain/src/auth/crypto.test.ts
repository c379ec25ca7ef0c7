import { describe, expect, it } from "vitest";
import { hashPassword, legacyScryptHash, needsRehash, verifyPassword } from "./crypto.ts";

describe("password hashing", () => {
  it("hashes with argon2id at OWASP's parameters, salted, and verifies", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it("still verifies the old scrypt hashes, and asks for them to be rehashed", async () => {
    const old = await legacyScryptHash("s3cret-s3cret");
    expect(old).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword("s3cret-s3cret", old)).toBe(true);
    expect(await verifyPassword("s3cret-s3cre", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    // Weaker argon2 parameters are rehashed too.
    expect(needsRehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g")).toBe(true);
    expect(needsRehash("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g")).toBe(true);
  });

  it("matches nothing against a malformed or tampered hash, and never runs a huge scrypt", async () => {
    for (const bad of [
      "",
      "plain",
      "$argon2id$broken",
      "scrypt$16384$8$1$salt",
      "scrypt$1073741824$8$1$c2FsdA$a2V5",
    ]) {
      expect(await verifyPassword("anything", bad)).toBe(false);
    }
  });
});
