-- "UsageHourly" partitioned as "UsageRecord" is: by case (usage_partitions."hourly_case_…"),
-- each case's partition by import (usage_partitions."hourly_…"). An import's hourly rollup is
-- then written into a table of its own, indexed in one sorted build, and attached with the
-- import's rows: inserting a few hundred thousand rows into three shared btrees took twice as
-- long as the rollup itself. Prisma's schema cannot say a table is partitioned; the columns,
-- keys and indexes stay what it describes.
ALTER TABLE "UsageHourly" RENAME TO "UsageHourly_unpartitioned";
ALTER INDEX "UsageHourly_pkey" RENAME TO "UsageHourly_unpartitioned_pkey";
ALTER INDEX "UsageHourly_caseId_hour_idx" RENAME TO "UsageHourly_unpartitioned_caseId_hour_idx";
ALTER INDEX "UsageHourly_caseId_accountId_hour_idx" RENAME TO "UsageHourly_unpartitioned_caseId_accountId_hour_idx";

CREATE TABLE "UsageHourly" (
    "caseId" UUID NOT NULL,
    "importId" UUID NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "accountId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "requests" BIGINT NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "cachedTokens" BIGINT NOT NULL,
    "rateLimited" BIGINT NOT NULL,
    "rows" INTEGER NOT NULL,

    CONSTRAINT "UsageHourly_pkey" PRIMARY KEY ("caseId","importId","hour","accountId","apiKeyId","network","model","endpoint")
) PARTITION BY LIST ("caseId");
CREATE INDEX "UsageHourly_caseId_hour_idx" ON "UsageHourly"("caseId", "hour");
CREATE INDEX "UsageHourly_caseId_accountId_hour_idx" ON "UsageHourly"("caseId", "accountId", "hour");

-- The rollups move to their import's table: attached where the import's rows are (loaded),
-- apart where they are not (validated, not yet loaded). Rollups of an import whose rows are
-- gone were unreachable; they go.
DO $$
DECLARE
  r record;
  case_part text;
  own text;
  staged regclass;
BEGIN
  FOR r IN SELECT DISTINCT "caseId", "importId" FROM "UsageHourly_unpartitioned" LOOP
    staged := to_regclass(format('usage_partitions.%I', 'import_' || replace(r."importId"::text, '-', '')));
    CONTINUE WHEN staged IS NULL;
    case_part := format('usage_partitions.%I', 'hourly_case_' || replace(r."caseId"::text, '-', ''));
    own := format('usage_partitions.%I', 'hourly_' || replace(r."importId"::text, '-', ''));
    EXECUTE format('CREATE TABLE IF NOT EXISTS %s PARTITION OF "UsageHourly" FOR VALUES IN (%L) PARTITION BY LIST ("importId")',
      case_part, r."caseId");
    EXECUTE format('CREATE TABLE %s (LIKE "UsageHourly" INCLUDING DEFAULTS, CHECK ("caseId" = %L::uuid AND "importId" = %L::uuid))',
      own, r."caseId", r."importId");
    EXECUTE format('INSERT INTO %s SELECT * FROM "UsageHourly_unpartitioned" WHERE "caseId" = %L AND "importId" = %L',
      own, r."caseId", r."importId");
    EXECUTE format('ALTER TABLE %s ADD PRIMARY KEY ("caseId", "importId", hour, "accountId", "apiKeyId", network, model, endpoint)', own);
    EXECUTE format('CREATE INDEX ON %s ("caseId", hour)', own);
    EXECUTE format('CREATE INDEX ON %s ("caseId", "accountId", hour)', own);
    IF (SELECT relispartition FROM pg_class WHERE oid = staged) THEN
      EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES IN (%L)', case_part, own, r."importId");
    END IF;
  END LOOP;
END $$;

DROP TABLE "UsageHourly_unpartitioned";
