-- One range index for an import's time and accounts (a bloom filter of each range's account
-- ids), built in one pass over its rows where two indexes took two. An import's own index sets
-- its ranges' size and the filter's (lib/usage/load.ts indexImportTable): ATTACH takes an index
-- of the same columns and operator classes as this one, whatever those settings.
DROP INDEX "UsageRecord_occurredAt_idx";

-- CreateIndex
CREATE INDEX "UsageRecord_occurredAt_accountId_idx" ON "UsageRecord" USING BRIN ("occurredAt", "accountId" text_bloom_ops);

-- The bloom filters of account ids that loaded imports had apart: the index above covers them.
DO $$
DECLARE
  i record;
BEGIN
  FOR i IN SELECT schemaname, indexname FROM pg_indexes
    WHERE schemaname = 'usage_partitions' AND indexname LIKE 'import\_%\_account\_bloom'
  LOOP
    EXECUTE format('DROP INDEX %I.%I', i.schemaname, i.indexname);
  END LOOP;
END
$$;
