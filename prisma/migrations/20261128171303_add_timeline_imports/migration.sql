-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('UPLOADED', 'VALIDATING', 'VALIDATED', 'COMMITTING', 'COMMITTED', 'CANCELLED', 'FAILED');

-- CreateEnum
CREATE TYPE "ImportFormat" AS ENUM ('CSV', 'JSONL');

-- AlterTable
ALTER TABLE "TimelineEvent" ADD COLUMN     "dedupeKey" TEXT,
ADD COLUMN     "importJobId" UUID;

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "format" "ImportFormat" NOT NULL,
    "fileName" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'UPLOADED',
    "options" JSONB NOT NULL DEFAULT '{}',
    "rowsProcessed" INTEGER NOT NULL DEFAULT 0,
    "bytesProcessed" BIGINT NOT NULL DEFAULT 0,
    "rowsValid" INTEGER NOT NULL DEFAULT 0,
    "rowsRejected" INTEGER NOT NULL DEFAULT 0,
    "rowsDuplicate" INTEGER NOT NULL DEFAULT 0,
    "rowsInserted" INTEGER NOT NULL DEFAULT 0,
    "rowsExisting" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRowError" (
    "id" BIGSERIAL NOT NULL,
    "jobId" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "ImportRowError_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ImportJob_caseId_createdAt_idx" ON "ImportJob"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "ImportRowError_jobId_line_idx" ON "ImportRowError"("jobId", "line");

-- CreateIndex
CREATE UNIQUE INDEX "TimelineEvent_caseId_dedupeKey_key" ON "TimelineEvent"("caseId", "dedupeKey");

-- AddForeignKey
ALTER TABLE "ImportJob" ADD CONSTRAINT "ImportJob_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImportRowError" ADD CONSTRAINT "ImportRowError_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ImportJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
