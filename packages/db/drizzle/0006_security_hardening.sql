-- Security hardening (issue 12).
-- Machine keys are unique per enterprise, not across the brain: a gateway that registered a key
-- first must not block another enterprise's gateway from using the same key for its own machine.
-- The (enterprise_id, key) unique index also serves lookups by enterprise; key alone is indexed for
-- the by-key lookups of users who see several enterprises.
-- login_throttle: sign-in attempts counted before the password hash, shared by every brain.
CREATE TABLE "login_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_at" timestamp with time zone NOT NULL,
	"refused" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "machines" DROP CONSTRAINT "machines_key_unique";--> statement-breakpoint
DROP INDEX "machines_enterprise_id_index";--> statement-breakpoint
CREATE INDEX "login_throttle_last_at_index" ON "login_throttle" USING btree ("last_at");--> statement-breakpoint
CREATE INDEX "machines_key_index" ON "machines" USING btree ("key");--> statement-breakpoint
ALTER TABLE "machines" ADD CONSTRAINT "machines_enterprise_key_unique" UNIQUE("enterprise_id","key");