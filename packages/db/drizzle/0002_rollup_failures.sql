ALTER TABLE "machine_daily_rollups" ADD COLUMN "failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "machine_hourly_rollups" ADD COLUMN "failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "machine_minute_rollups" ADD COLUMN "failures" integer DEFAULT 0 NOT NULL;