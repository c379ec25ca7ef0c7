import { useI18n } from "../i18n/index.tsx";

/** How old the newest data is: green within an hour, amber within a day, red beyond or never. */
export function Freshness({ at, now }: { at: string | null; now: number }) {
  const { t, ago, dateTime } = useI18n();
  if (!at) return <span className="fresh fresh-bad">{t("common.never")}</span>;
  const age = Math.max(0, now - new Date(at).getTime());
  const cls = age <= 3_600_000 ? "fresh-good" : age <= 86_400_000 ? "fresh-warn" : "fresh-bad";
  return (
    <time className={`fresh ${cls}`} dateTime={at} title={dateTime(at)}>
      {ago(age)}
    </time>
  );
}
