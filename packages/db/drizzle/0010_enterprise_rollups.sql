CREATE TABLE "enterprise_daily_rollups" (
	"enterprise_id" integer NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"running_s" double precision DEFAULT 0 NOT NULL,
	"setup_s" double precision DEFAULT 0 NOT NULL,
	"down_s" double precision DEFAULT 0 NOT NULL,
	"idle_s" double precision DEFAULT 0 NOT NULL,
	"offline_s" double precision DEFAULT 0 NOT NULL,
	"produced" double precision DEFAULT 0 NOT NULL,
	"good" double precision DEFAULT 0 NOT NULL,
	"scrap" double precision DEFAULT 0 NOT NULL,
	"rework" double precision DEFAULT 0 NOT NULL,
	"energy_kwh" double precision DEFAULT 0 NOT NULL,
	"microstops" integer DEFAULT 0 NOT NULL,
	"microstop_s" double precision DEFAULT 0 NOT NULL,
	"ideal_s" double precision DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "enterprise_daily_rollups_enterprise_id_bucket_pk" PRIMARY KEY("enterprise_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "enterprise_monthly_rollups" (
	"enterprise_id" integer NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"running_s" double precision DEFAULT 0 NOT NULL,
	"setup_s" double precision DEFAULT 0 NOT NULL,
	"down_s" double precision DEFAULT 0 NOT NULL,
	"idle_s" double precision DEFAULT 0 NOT NULL,
	"offline_s" double precision DEFAULT 0 NOT NULL,
	"produced" double precision DEFAULT 0 NOT NULL,
	"good" double precision DEFAULT 0 NOT NULL,
	"scrap" double precision DEFAULT 0 NOT NULL,
	"rework" double precision DEFAULT 0 NOT NULL,
	"energy_kwh" double precision DEFAULT 0 NOT NULL,
	"microstops" integer DEFAULT 0 NOT NULL,
	"microstop_s" double precision DEFAULT 0 NOT NULL,
	"ideal_s" double precision DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "enterprise_monthly_rollups_enterprise_id_bucket_pk" PRIMARY KEY("enterprise_id","bucket")
);
--> statement-breakpoint
CREATE INDEX "enterprise_daily_rollups_bucket_index" ON "enterprise_daily_rollups" USING btree ("bucket");--> statement-breakpoint
-- Every batch updates its enterprise's day and month rows: leave half of each page free for HOT updates.
ALTER TABLE "enterprise_daily_rollups" SET (fillfactor = 50);--> statement-breakpoint
ALTER TABLE "enterprise_monthly_rollups" SET (fillfactor = 50);--> statement-breakpoint
-- Backfill from the machines' daily rollups (the same sums the ingest writer keeps from now on).
INSERT INTO "enterprise_daily_rollups" ("enterprise_id", "bucket", "running_s", "setup_s", "down_s", "idle_s", "offline_s", "produced", "good", "scrap", "rework", "energy_kwh", "microstops", "microstop_s", "ideal_s", "failures")
SELECT m."enterprise_id", r."bucket", sum(r."running_s"), sum(r."setup_s"), sum(r."down_s"), sum(r."idle_s"), sum(r."offline_s"), sum(r."produced"), sum(r."good"), sum(r."scrap"), sum(r."rework"), sum(r."energy_kwh"), sum(r."microstops")::int4, sum(r."microstop_s"), sum(r."ideal_s"), sum(r."failures")::int4
FROM "machine_daily_rollups" r JOIN "machines" m ON m."id" = r."machine_id"
GROUP BY m."enterprise_id", r."bucket";--> statement-breakpoint
INSERT INTO "enterprise_monthly_rollups" ("enterprise_id", "bucket", "running_s", "setup_s", "down_s", "idle_s", "offline_s", "produced", "good", "scrap", "rework", "energy_kwh", "microstops", "microstop_s", "ideal_s", "failures")
SELECT m."enterprise_id", date_trunc('month', r."bucket", e."time_zone"), sum(r."running_s"), sum(r."setup_s"), sum(r."down_s"), sum(r."idle_s"), sum(r."offline_s"), sum(r."produced"), sum(r."good"), sum(r."scrap"), sum(r."rework"), sum(r."energy_kwh"), sum(r."microstops")::int4, sum(r."microstop_s"), sum(r."ideal_s"), sum(r."failures")::int4
FROM "machine_daily_rollups" r JOIN "machines" m ON m."id" = r."machine_id" JOIN "enterprises" e ON e."id" = m."enterprise_id"
GROUP BY m."enterprise_id", date_trunc('month', r."bucket", e."time_zone");
