-- Edited after drizzle-kit: UNLOGGED (drizzle cannot express it). Rate-limit windows need no crash
-- safety, and an unlogged table writes no WAL.
CREATE UNLOGGED TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL
);
