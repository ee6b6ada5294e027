-- Account ids are opaque identifiers, compared byte by byte ("C"): the drill-down index on
-- ("accountId", "occurredAt", seq) that each usage import builds sorts in about half the time
-- (no locale comparison per key), and equality is what it was. Prisma's schema cannot say a
-- column's collation; "UsageRecord" is outside Prisma's management (@@ignore) anyway.
ALTER TABLE "UsageRecord" ALTER COLUMN "accountId" TYPE TEXT COLLATE "C";

-- Imports staged but not yet loaded have tables of their own, not attached: the same, so that
-- they can still be attached.
DO $$
DECLARE staged regclass;
BEGIN
  FOR staged IN
    SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'usage_partitions' AND c.relname LIKE 'import\_%' AND c.relkind = 'r' AND NOT c.relispartition
  LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN "accountId" TYPE TEXT COLLATE "C"', staged);
  END LOOP;
END $$;
