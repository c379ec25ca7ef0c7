import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ExportButtons } from "../components/ExportButtons.tsx";
import { markDataArrived, OverviewView } from "../components/OverviewView.tsx";
import { firstParkPage } from "../components/ParksCoverageTable.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { useUser } from "../lib/session.tsx";
import { useTRPC } from "../trpc.ts";

export function OverviewPage() {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const user = useUser();
  const qc = useQueryClient();
  const base = trpc.coverage.overview.queryOptions({ days: 365 });
  const q = useQuery({
    ...base,
    queryFn: async (ctx) => {
      const data = await (base.queryFn as NonNullable<typeof base.queryFn>)(ctx);
      markDataArrived();
      return data;
    },
  });
  // The table's first page, requested with the overview (one batched round trip, not two in a row).
  useQuery(trpc.coverage.parkTable.queryOptions(firstParkPage(locale)));
  const snap = useMutation(
    trpc.coverage.snapshot.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.coverage.pathKey() }),
    }),
  );
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  const actions = (
    <>
      <ExportButtons />
      {user.role === "city-admin" && (
        <button type="button" className="btn" onClick={() => snap.mutate()} disabled={snap.isPending}>
          {t("overview.snapshot")}
        </button>
      )}
    </>
  );
  return <OverviewView data={q.data} actions={actions} />;
}
