-- Rows the ingest path updates on every batch (rollups, job totals, counter baselines, live state)
-- leave 30% of each page free, so an update can stay on its page as a HOT update: no new index
-- entries and no index bloat. drizzle-kit cannot express storage parameters.
ALTER TABLE "machine_minute_rollups" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "machine_hourly_rollups" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "machine_daily_rollups" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "jobs" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "machine_counters" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "machine_live" SET (fillfactor = 70);
