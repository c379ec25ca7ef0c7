import { useQuery } from "@tanstack/react-query";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { useTRPC } from "../trpc.ts";
import { jobsInput } from "./queries.ts";

/** This machine's job ledger in the range: produced, good, waste, energy per unit, time. */
export function MachineJobs({
  machine,
  range,
}: {
  machine: string | number;
  range: { from: number; to: number };
}) {
  const { t, num, dateTime, duration } = useI18n();
  const trpc = useTRPC();
  const q = useQuery(trpc.jobs.list.queryOptions(jobsInput(machine, range)));
  return (
    <section className="panel" aria-labelledby="mjobs-title">
      <h2 id="mjobs-title">{t("machine.jobs")}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="muted">{t("machine.noJobs")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="machine-jobs">
            <thead>
              <tr>
                <th scope="col">{t("machine.job")}</th>
                <th scope="col">{t("machine.produced")}</th>
                <th scope="col">{t("machine.good")}</th>
                <th scope="col">{t("machine.waste")}</th>
                <th scope="col">{t("machine.energyPerUnit")}</th>
                <th scope="col">{t("machine.time")}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((j) => (
                <tr key={j.jobId}>
                  <th scope="row" className="mono">
                    {j.jobId}
                  </th>
                  <td>{num(j.produced)}</td>
                  <td>{num(j.good)}</td>
                  <td>{num(j.waste)}</td>
                  <td>{j.good > 0 ? num(j.energyKwh / j.good, 4) : "—"}</td>
                  <td>
                    {dateTime(new Date(j.firstTs))} · {duration(j.lastTs - j.firstTs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
