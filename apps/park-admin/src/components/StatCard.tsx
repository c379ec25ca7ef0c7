import type { ReactNode } from "react";

export interface TargetMark {
  label: string;
  /** 0..1 position on the bar. */
  at: number;
}

/** A headline figure with a progress bar against targets. */
export function StatCard(props: {
  id: string;
  title: string;
  value: string;
  /** Raw value for tests and assistive tech. */
  raw: number | null;
  sub: ReactNode;
  progress: number | null;
  targets: TargetMark[];
  tone: "good" | "warn" | "bad";
}) {
  const width = `${Math.max(0, Math.min(1, props.progress ?? 0)) * 100}%`;
  return (
    <article
      className={`stat stat-${props.tone}`}
      aria-labelledby={`${props.id}-title`}
      data-testid={props.id}
    >
      <h2 id={`${props.id}-title`} className="stat-title">
        {props.title}
      </h2>
      <p className="stat-value" data-value={props.raw ?? ""}>
        {props.value}
      </p>
      <p className="stat-sub">{props.sub}</p>
      <div className="bar" aria-hidden="true">
        <div className="bar-fill" style={{ width }} />
        {props.targets.map((m) => (
          <span
            key={m.label}
            className="bar-target"
            style={{ left: `${Math.min(1, m.at) * 100}%` }}
            title={m.label}
          />
        ))}
      </div>
      <ul className="stat-targets">
        {props.targets.map((m) => (
          <li key={m.label}>{m.label}</li>
        ))}
      </ul>
    </article>
  );
}

export function tone(value: number | null, good: number, warn: number): "good" | "warn" | "bad" {
  if (value === null) return "bad";
  return value >= good ? "good" : value >= warn ? "warn" : "bad";
}
