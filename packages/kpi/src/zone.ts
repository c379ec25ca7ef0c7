/** Time-zone arithmetic for rollups and calendars, on Intl only (no tz database of our own). */
export {
  isValidTimeZone,
  localDayStart,
  localHourStart,
  localMonthStart,
  offsetAt as zoneOffsetMs,
  zonedToUtc,
} from "./internal/zoned.ts";
