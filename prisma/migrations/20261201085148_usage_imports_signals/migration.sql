-- CreateEnum
CREATE TYPE "ImportKind" AS ENUM ('TIMELINE', 'USAGE');

-- AlterEnum
ALTER TYPE "ImportFormat" ADD VALUE 'JSON';

-- AlterTable
ALTER TABLE "ImportJob" ADD COLUMN     "evidenceId" UUID,
ADD COLUMN     "kind" "ImportKind" NOT NULL DEFAULT 'TIMELINE';

-- CreateTable
CREATE TABLE "UsageSignal" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "viewerOrgId" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "accounts" TEXT[],
    "score" DOUBLE PRECISION NOT NULL,
    "summary" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "aggregates" JSONB NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "timelineEventId" UUID,

    CONSTRAINT "UsageSignal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageSettings" (
    "caseId" UUID NOT NULL,
    "settings" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedById" UUID NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageSettings_pkey" PRIMARY KEY ("caseId")
);

-- CreateIndex
CREATE INDEX "UsageSignal_caseId_viewerOrgId_score_idx" ON "UsageSignal"("caseId", "viewerOrgId", "score");

-- CreateIndex
CREATE INDEX "ImportJob_caseId_kind_sha256_idx" ON "ImportJob"("caseId", "kind", "sha256");

-- CreateIndex
CREATE INDEX "ImportJob_sha256_idx" ON "ImportJob"("sha256");

-- AddForeignKey
ALTER TABLE "ImportJob" ADD CONSTRAINT "ImportJob_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "Evidence"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageSignal" ADD CONSTRAINT "UsageSignal_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageSettings" ADD CONSTRAINT "UsageSettings_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
