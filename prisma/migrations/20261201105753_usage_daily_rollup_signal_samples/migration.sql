-- CreateTable
CREATE TABLE "UsageDaily" (
    "caseId" UUID NOT NULL,
    "importId" UUID NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "accountId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "network" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "firstHour" TIMESTAMP(3) NOT NULL,
    "lastHour" TIMESTAMP(3) NOT NULL,
    "requests" BIGINT NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "cachedTokens" BIGINT NOT NULL,
    "rateLimited" BIGINT NOT NULL,
    "rows" INTEGER NOT NULL,

    CONSTRAINT "UsageDaily_pkey" PRIMARY KEY ("caseId","importId","day","accountId","apiKeyId","network","model","endpoint")
);

-- Imports loaded before this migration get their daily rollup from their hourly one.
INSERT INTO "UsageDaily" ("caseId", "importId", "day", "accountId", "apiKeyId", "network", "model", "endpoint",
  "firstHour", "lastHour", "requests", "inputTokens", "outputTokens", "cachedTokens", "rateLimited", "rows")
SELECT "caseId", "importId", date_trunc('day', "hour"), "accountId", "apiKeyId", "network", "model", "endpoint",
  min("hour"), max("hour"), sum("requests"), sum("inputTokens"), sum("outputTokens"), sum("cachedTokens"),
  sum("rateLimited"), sum("rows")
FROM "UsageHourly"
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- A few of the rows behind each signal, with their file and line.
ALTER TABLE "UsageSignal" ADD COLUMN "samples" JSONB NOT NULL DEFAULT '[]';

-- UsageHourly per hour and model only, and one account's hours by index.
CREATE TABLE "UsageHourlyModel" (
    "caseId" UUID NOT NULL,
    "importId" UUID NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "model" TEXT NOT NULL,
    "requests" BIGINT NOT NULL,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "rateLimited" BIGINT NOT NULL,
    "rows" INTEGER NOT NULL,

    CONSTRAINT "UsageHourlyModel_pkey" PRIMARY KEY ("caseId","importId","hour","model")
);

CREATE INDEX "UsageHourly_caseId_accountId_hour_idx" ON "UsageHourly"("caseId", "accountId", "hour");

INSERT INTO "UsageHourlyModel" ("caseId", "importId", "hour", "model", "requests", "inputTokens", "outputTokens", "rateLimited", "rows")
SELECT "caseId", "importId", "hour", "model", sum("requests"), sum("inputTokens"), sum("outputTokens"), sum("rateLimited"), sum("rows")
FROM "UsageHourly"
GROUP BY 1, 2, 3, 4;
