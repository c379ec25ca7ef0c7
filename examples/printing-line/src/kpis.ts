import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter } from "@weft/industry-brain/router";

export interface MachineKpis {
  machine: string;
  availability: number | null;
  effectiveness: number | null;
  quality: number | null;
  oee: number | null;
  runningRate: number | null;
  produced: number;
  good: number;
}

/** Sign in to the brain as a demo user and ask for each machine's ISO 22400 KPIs over [from, to). */
export async function machineKpis(
  brainUrl: string,
  user: { email: string; password: string },
  machines: readonly string[],
  range: { from: number; to: number },
): Promise<MachineKpis[]> {
  let cookie = "";
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${brainUrl}/trpc`,
        headers: () => (cookie ? { cookie } : {}),
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          const set = res.headers.get("set-cookie");
          if (set) cookie = set.split(";")[0] ?? "";
          return res;
        },
      }),
    ],
  });
  await client.auth.login.mutate(user);
  const out: MachineKpis[] = [];
  for (const machine of machines) {
    const r = await client.kpi.oee.query({ scope: { kind: "machine", id: machine }, range, bucket: "hour" });
    const t = r.totals;
    const produced = r.series.reduce((a, p) => a + (p.produced ?? 0), 0);
    const good = r.series.reduce((a, p) => a + (p.good ?? 0), 0);
    out.push({
      machine,
      availability: t.availability,
      effectiveness: t.effectiveness,
      quality: t.quality,
      oee: t.oee,
      runningRate: t.runningRate,
      produced,
      good,
    });
  }
  return out;
}

const pct = (v: number | null) => (v === null ? "   -  " : `${(v * 100).toFixed(1).padStart(5)}%`);

export function formatKpis(rows: readonly MachineKpis[]): string {
  const lines = [
    "machine            availability  performance  quality     OEE   running  produced      good",
  ];
  for (const r of rows)
    lines.push(
      `${r.machine.padEnd(18)} ${pct(r.availability).padStart(12)} ${pct(r.effectiveness).padStart(12)} ${pct(r.quality).padStart(8)} ${pct(r.oee).padStart(7)} ${pct(r.runningRate).padStart(9)} ${String(r.produced).padStart(9)} ${String(r.good).padStart(9)}`,
    );
  return lines.join("\n");
}
