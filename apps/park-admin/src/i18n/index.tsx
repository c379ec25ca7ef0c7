import { isValidTimeZone } from "@weft/kpi/zone";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { en } from "./en.ts";
import { type MessageKey, type Messages, zhCN } from "./zh-CN.ts";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export type { MessageKey };

const MESSAGES: Record<Locale, Messages> = { "zh-CN": zhCN, en };
const STORAGE_KEY = "weft.locale";
/** `localStorage["weft.pseudo"] = "1"` marks every dictionary string (the i18n walk test sets it). */
const PSEUDO_KEY = "weft.pseudo";
export const PSEUDO_OPEN = "⟦";
export const PSEUDO_CLOSE = "⟧";

/**
 * A dictionary with every value wrapped in ⟦…⟧ (parameters kept): rendered text outside the markers
 * did not come from the dictionary. Same language as `messages`, so dates and numbers stay real.
 */
export function pseudoMessages(messages: Messages): Messages {
  return Object.fromEntries(
    Object.entries(messages).map(([k, v]) => [k, `${PSEUDO_OPEN}${v}${PSEUDO_CLOSE}`]),
  ) as Messages;
}

function pseudoWanted(): boolean {
  try {
    return localStorage.getItem(PSEUDO_KEY) === "1";
  } catch {
    return false;
  }
}

const pseudoCache = new Map<Locale, Messages>();
/** The active dictionary of a locale (its pseudo form when the pseudo-locale is on). */
export function messagesOf(locale: Locale, pseudo = pseudoWanted()): Messages {
  if (!pseudo) return MESSAGES[locale];
  let m = pseudoCache.get(locale);
  if (!m) {
    m = pseudoMessages(MESSAGES[locale]);
    pseudoCache.set(locale, m);
  }
  return m;
}

type Params = Record<string, string | number>;

export interface I18n {
  locale: Locale;
  setLocale: (l: Locale) => void;
  /** The IANA zone dates and times are shown in (the user's city or enterprise); undefined: the browser's. */
  timeZone: string | undefined;
  setTimeZone: (z: string | undefined) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** A number per locale (grouping, decimals). */
  num: (n: number | null | undefined, digits?: number) => string;
  /** A 0..1 ratio as a percentage. */
  pct: (r: number | null | undefined, digits?: number) => string;
  /** A date-time per locale. */
  dateTime: (d: string | Date | null | undefined) => string;
  date: (d: string | Date | null | undefined) => string;
  /** "5 minutes" style duration from milliseconds. */
  duration: (ms: number) => string;
  /** How long ago, from an age in milliseconds: "刚刚" / "just now" under 10 s, never "0秒钟前". */
  ago: (ms: number) => string;
  /** A list joined per locale ("A, B and C" / "A、B和C"). */
  list: (items: string[]) => string;
}

/** Fill `{name}` parameters. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "en" || saved === "zh-CN") return saved;
  } catch {
    /* storage blocked: default */
  }
  return "zh-CN";
}

export function makeI18n(
  locale: Locale,
  setLocale: (l: Locale) => void,
  timeZone?: string,
  setTimeZone: (z: string | undefined) => void = () => {},
): I18n {
  const m = messagesOf(locale);
  const nf = new Map<number, Intl.NumberFormat>();
  const numFmt = (digits: number) => {
    let f = nf.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      nf.set(digits, f);
    }
    return f;
  };
  // The brain cuts days and shifts in the city's zone: a browser elsewhere (or in UTC) must not
  // shift a day's label to the day before or show a day shift as starting at midnight.
  // A zone Intl does not know (a bad value from the server) must not break every page: the browser's then.
  const zone = timeZone && isValidTimeZone(timeZone) ? timeZone : undefined;
  const dt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
  const d = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: zone });
  const dash = "—";
  // A conjunction list: 甲、乙和丙 / A, B, and C (a "unit" list runs Chinese items together).
  const lf = new Intl.ListFormat(locale, { style: "long", type: "conjunction" });
  const duration = (ms: number) => {
    const units: [Intl.RelativeTimeFormatUnit, number][] = [
      ["day", 86_400_000],
      ["hour", 3_600_000],
      ["minute", 60_000],
      ["second", 1_000],
    ];
    const [unit, size] = units.find(([, s]) => Math.abs(ms) >= s) ?? ["second", 1_000];
    return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(
      Math.floor(ms / size),
    );
  };
  return {
    locale,
    setLocale,
    timeZone: zone,
    setTimeZone,
    ago: (ms) => (ms < 10_000 ? m["time.justNow"] : format(m["common.ago"], { value: duration(ms) })),
    t: (key, params) => format(m[key], params),
    num: (n, digits = 0) =>
      n === null || n === undefined || !Number.isFinite(n) ? dash : numFmt(digits).format(n),
    pct: (r, digits = 1) =>
      r === null || r === undefined || !Number.isFinite(r)
        ? dash
        : new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(r),
    dateTime: (v) => (v ? dt.format(new Date(v)) : dash),
    date: (v) => (v ? d.format(new Date(v)) : dash),
    list: (items) => lf.format(items),
    duration,
  };
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(initial ?? initialLocale);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* storage blocked: keep it for this session only */
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = messagesOf(locale)["app.title"];
  }, [locale]);
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);
  const value = useMemo(
    () => makeI18n(locale, setLocale, timeZone, setTimeZone),
    [locale, setLocale, timeZone],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error("useI18n outside I18nProvider");
  return v;
}
