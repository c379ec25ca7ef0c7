import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { DbHandle } from "@weft/db";
import { sessions } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { newSessionToken, sha256Hex } from "../src/auth/crypto.ts";
import type { AppRouter } from "../src/router.ts";
import { type DemoSeed, seedDemo } from "../src/seed/demo.ts";
import { type RunningBrain, type StartBrainOptions, startBrain } from "../src/server.ts";

export type BrainClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/** A tRPC client over real HTTP; keeps cookies like a browser would (one jar per client). */
export function client(url: string, opts: { apiKey?: string } = {}): BrainClient {
  const jar = new Map<string, string>();
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: () => {
          const h: Record<string, string> = {};
          if (opts.apiKey) h.authorization = `Bearer ${opts.apiKey}`;
          if (jar.size) h.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
          return h;
        },
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          for (const c of res.headers.getSetCookie()) {
            const [pair = ""] = c.split(";");
            const i = pair.indexOf("=");
            const name = pair.slice(0, i);
            const value = pair.slice(i + 1);
            if (/max-age=0/i.test(c) || value === "") jar.delete(name);
            else jar.set(name, value);
          }
          return res;
        },
      }),
    ],
  });
}

export interface TestBrain {
  brain: RunningBrain;
  demo: DemoSeed;
  url: string;
  gateway(enterpriseKey: string): BrainClient;
  apiKey(enterpriseKey: string): string;
  /** A client signed in as the demo user with this role. */
  signedIn(role: "city-admin" | "park-manager" | "enterprise-user"): Promise<BrainClient>;
  close(): Promise<void>;
}

/** Seed the demo data into `handle` and start a brain on a free port. */
export async function startTestBrain(
  handle: DbHandle,
  options: Partial<StartBrainOptions> = {},
): Promise<TestBrain> {
  const demo = await seedDemo(handle);
  const brain = await startBrain({ db: handle, port: 0, background: false, ...options });
  const apiKey = (enterpriseKey: string): string => {
    const g = demo.gateways.find((x) => x.enterpriseKey === enterpriseKey);
    if (!g) throw new Error(`no demo gateway for ${enterpriseKey}`);
    return g.apiKey;
  };
  return {
    brain,
    demo,
    url: brain.url,
    apiKey,
    gateway: (enterpriseKey) => client(brain.url, { apiKey: apiKey(enterpriseKey) }),
    signedIn: async (role) => {
      const u = demo.users.find((x) => x.role === role);
      if (!u) throw new Error(`no demo user with role ${role}`);
      const c = client(brain.url);
      await c.auth.login.mutate({ email: u.email, password: u.password });
      return c;
    },
    close: () => brain.close(),
  };
}

/** The tRPC error code of a rejected call (e.g. "BAD_REQUEST"), or "resolved". */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = err.data as { code?: string } | undefined;
      return data?.code ?? "unknown";
    }
    throw err;
  }
}

/** The full error of a rejected call. */
export async function errorOf(p: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCClientError) return err as TRPCClientError<AppRouter>;
    throw err;
  }
  throw new Error("expected the call to fail");
}

/**
 * The Cookie header of a fresh session for the user with this email, a session row as `auth.login`
 * would create it (login itself is the auth router's own test), for callers made in-process.
 */
export async function sessionCookie(brain: RunningBrain, handle: DbHandle, email: string): Promise<string> {
  const [row] = await handle.query<{ id: number }>(sql`select id from users where lower(email) = ${email}`);
  if (!row) throw new Error(`no user ${email}`);
  const token = newSessionToken();
  await handle.db.insert(sessions).values({
    tokenHash: sha256Hex(token),
    userId: Number(row.id),
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  return `${brain.services.settings.sessionCookie}=${token}`;
}
