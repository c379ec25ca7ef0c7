/** A sign-in over real HTTP with chosen headers (e.g. X-Forwarded-For); the tRPC error code or "ok". */
export async function loginAs(
  url: string,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<{ code: string; setCookie: string[] }> {
  const r = await fetch(`${url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ email, password }),
  });
  const body = (await r.json()) as { error?: { data?: { code?: string } } };
  return {
    code: r.ok ? "ok" : (body.error?.data?.code ?? String(r.status)),
    setCookie: r.headers.getSetCookie(),
  };
}
