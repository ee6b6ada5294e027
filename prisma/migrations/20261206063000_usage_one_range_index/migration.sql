-- One range index for an import's time and accounts (a bloom filter of each range's account
-- ids), built in one pass over its rows where two indexes took two. An import's own index sets
-- its ranges' size and the filter's (lib/usage/load.ts indexImportTable): ATTACH takes an index
-- of the same columns and operator classes as this one, whatever those settings.
DROP INDEX "UsageRecord_occurredAt_idx";

-- Every import's rows, loaded or only validated, get that index as an import of today does (so
-- the index below takes them rather than building coarser ones), in place of its two.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'usage_partitions' AND c.relkind = 'r' AND c.relname ~ '^import_[0-9a-f]{32}$'
  LOOP
    EXECUTE format(
      'CREATE INDEX IF NOT EXISTS %I ON usage_partitions.%I USING brin ("occurredAt", "accountId" text_bloom_ops (n_distinct_per_range = -0.3)) WITH (pages_per_range = 16)',
      t.relname || '_ranges', t.relname);
    EXECUTE format('DROP INDEX IF EXISTS usage_partitions.%I', t.relname || '_account_bloom');
    EXECUTE format('DROP INDEX IF EXISTS usage_partitions.%I', t.relname || '_occurredAt');
  END LOOP;
END
$$;

-- CreateIndex
CREATE INDEX "UsageRecord_occurredAt_accountId_idx" ON "UsageRecord" USING BRIN ("occurredAt", "accountId" text_bloom_ops);
