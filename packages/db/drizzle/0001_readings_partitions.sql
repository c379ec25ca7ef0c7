-- Custom migration: drizzle cannot express PARTITION BY, so 0000 was edited to declare
-- "readings" PARTITION BY RANGE ("ts"); this adds the DEFAULT partition (a safety net for
-- timestamps without a daily partition) and the function that creates daily partitions.
CREATE TABLE IF NOT EXISTS "readings_default" PARTITION OF "readings" DEFAULT;
--> statement-breakpoint
-- Creates partition readings_pYYYYMMDD for one UTC day. Idempotent and safe under concurrency
-- (advisory lock + duplicate_table guard). Rows that already landed in readings_default for that
-- day are moved into the new partition. Returns true when it created the partition.
CREATE OR REPLACE FUNCTION "weft_ensure_readings_partition"(p_day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  part text := 'readings_p' || to_char(p_day, 'YYYYMMDD');
  lo timestamptz := p_day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (p_day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('weft.readings.partitions'));
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  IF EXISTS (SELECT 1 FROM "readings_default" WHERE "ts" >= lo AND "ts" < hi) THEN
    EXECUTE format('CREATE TABLE %I (LIKE "readings" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format(
      'WITH moved AS (DELETE FROM "readings_default" WHERE "ts" >= %L AND "ts" < %L RETURNING *) '
      'INSERT INTO %I SELECT * FROM moved', lo, hi, part);
    EXECUTE format('ALTER TABLE "readings" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF "readings" FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  END IF;
  RETURN true;
EXCEPTION WHEN duplicate_table THEN
  RETURN false;
END;
$$;
