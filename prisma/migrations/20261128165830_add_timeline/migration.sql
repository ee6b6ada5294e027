-- CreateEnum
CREATE TYPE "EventCategory" AS ENUM ('ACCOUNT_CREATION', 'PAYMENT', 'API_ACCESS', 'EXTRACTION', 'RATE_LIMITING', 'DETECTION', 'COMMUNICATION', 'RESPONSE', 'OTHER');

-- CreateEnum
CREATE TYPE "EventConfidence" AS ENUM ('CONFIRMED', 'LIKELY', 'POSSIBLE');

-- CreateTable
CREATE TABLE "TimelineEvent" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "category" "EventCategory" NOT NULL,
    "source" TEXT NOT NULL DEFAULT '',
    "confidence" "EventConfidence" NOT NULL DEFAULT 'LIKELY',
    "visibility" "Visibility" NOT NULL DEFAULT 'ALL_CASE_ORGS',
    "version" INTEGER NOT NULL DEFAULT 1,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TimelineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TimelineEventEvidence" (
    "eventId" UUID NOT NULL,
    "evidenceId" UUID NOT NULL,

    CONSTRAINT "TimelineEventEvidence_pkey" PRIMARY KEY ("eventId","evidenceId")
);

-- CreateIndex
CREATE INDEX "TimelineEvent_caseId_occurredAt_id_idx" ON "TimelineEvent"("caseId", "occurredAt", "id");

-- CreateIndex
CREATE INDEX "TimelineEventEvidence_evidenceId_idx" ON "TimelineEventEvidence"("evidenceId");

-- AddForeignKey
ALTER TABLE "TimelineEvent" ADD CONSTRAINT "TimelineEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimelineEvent" ADD CONSTRAINT "TimelineEvent_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimelineEventEvidence" ADD CONSTRAINT "TimelineEventEvidence_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "TimelineEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimelineEventEvidence" ADD CONSTRAINT "TimelineEventEvidence_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "Evidence"("id") ON DELETE CASCADE ON UPDATE CASCADE;
