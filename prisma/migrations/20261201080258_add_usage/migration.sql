-- CreateEnum
CREATE TYPE "UsageAttributeKind" AS ENUM ('API_KEY', 'PROJECT', 'IP', 'NETWORK', 'PAYMENT', 'DEVICE');

-- CreateTable (edited: partitioned by case; see prisma/schema.prisma)
CREATE TABLE "UsageRecord" (
    "caseId" UUID NOT NULL,
    "importId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "line" INTEGER NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "bucketSeconds" INTEGER NOT NULL,
    "accountId" TEXT,
    "projectId" TEXT,
    "apiKeyId" TEXT,
    "ip" INET,
    "userAgent" TEXT,
    "model" TEXT,
    "endpoint" TEXT,
    "inputTokens" BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "cachedTokens" BIGINT NOT NULL,
    "requests" INTEGER NOT NULL,
    "statusCode" SMALLINT,
    "rateLimited" BOOLEAN NOT NULL,
    "paymentFingerprint" TEXT,
    "deviceFingerprint" TEXT
) PARTITION BY LIST ("caseId");

-- One partition per case, made by lib/usage at the case's first load (kept apart from the
-- tables Prisma manages).
CREATE SCHEMA IF NOT EXISTS usage_partitions;

-- CreateTable
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
);

-- CreateTable
CREATE TABLE "UsageAttribute" (
    "caseId" UUID NOT NULL,
    "importId" UUID NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" "UsageAttributeKind" NOT NULL,
    "value" TEXT NOT NULL,
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "requests" BIGINT NOT NULL,

    CONSTRAINT "UsageAttribute_pkey" PRIMARY KEY ("caseId","importId","accountId","kind","value")
);

-- CreateIndex
CREATE INDEX "UsageRecord_occurredAt_idx" ON "UsageRecord" USING BRIN ("occurredAt");

-- CreateIndex
CREATE INDEX "UsageHourly_caseId_hour_idx" ON "UsageHourly"("caseId", "hour");

-- CreateIndex
CREATE INDEX "UsageAttribute_caseId_kind_value_idx" ON "UsageAttribute"("caseId", "kind", "value");
