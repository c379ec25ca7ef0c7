CREATE TABLE "counter_anomalies" (
	"machine_id" integer NOT NULL,
	"point_key" text NOT NULL,
	"role" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"prev_ts" timestamp with time zone,
	"prev_value" double precision NOT NULL,
	"value" double precision NOT NULL,
	"delta" double precision NOT NULL,
	"kind" text NOT NULL,
	"max_units" double precision NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "counter_anomalies_machine_id_point_key_ts_pk" PRIMARY KEY("machine_id","point_key","ts")
);
--> statement-breakpoint
ALTER TABLE "machine_counters" ADD COLUMN "sample_ts" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "machine_counters" ADD COLUMN "counter_max" double precision;--> statement-breakpoint
ALTER TABLE "counter_anomalies" ADD CONSTRAINT "counter_anomalies_machine_id_machines_id_fk" FOREIGN KEY ("machine_id") REFERENCES "public"."machines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "counter_anomalies_machine_id_ts_index" ON "counter_anomalies" USING btree ("machine_id","ts");