-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('API_LOG_EXPORT', 'SCREENSHOT', 'DOCUMENT', 'EMAIL', 'NETWORK_CAPTURE', 'OTHER');

-- CreateEnum
CREATE TYPE "IntegrityStatus" AS ENUM ('UNVERIFIED', 'INTACT', 'MISMATCH', 'MISSING');

-- CreateEnum
CREATE TYPE "CustodyAction" AS ENUM ('COLLECTED', 'UPLOADED', 'VIEWED', 'DOWNLOADED', 'METADATA_CHANGED', 'VERIFIED', 'VERIFICATION_FAILED', 'RELEASED', 'DELETED', 'PURGED');

-- CreateTable
CREATE TABLE "Evidence" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "addedById" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "kind" "EvidenceKind" NOT NULL,
    "source" TEXT NOT NULL DEFAULT '',
    "collectedAt" TIMESTAMP(3),
    "collectedBy" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "visibility" "Visibility" NOT NULL DEFAULT 'ALL_CASE_ORGS',
    "privileged" BOOLEAN NOT NULL DEFAULT false,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "integrity" "IntegrityStatus" NOT NULL DEFAULT 'UNVERIFIED',
    "lastVerifiedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "deletedAt" TIMESTAMP(3),
    "deletedById" UUID,
    "deleteReason" TEXT,
    "purgedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustodyEvent" (
    "id" BIGSERIAL NOT NULL,
    "evidenceId" UUID NOT NULL,
    "actorId" UUID NOT NULL,
    "action" "CustodyAction" NOT NULL,
    "sha256" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustodyEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Evidence_caseId_createdAt_idx" ON "Evidence"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "Evidence_caseId_sha256_idx" ON "Evidence"("caseId", "sha256");

-- CreateIndex
CREATE INDEX "Evidence_sha256_idx" ON "Evidence"("sha256");

-- CreateIndex
CREATE INDEX "CustodyEvent_evidenceId_id_idx" ON "CustodyEvent"("evidenceId", "id");

-- AddForeignKey
ALTER TABLE "Evidence" ADD CONSTRAINT "Evidence_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evidence" ADD CONSTRAINT "Evidence_addedById_fkey" FOREIGN KEY ("addedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustodyEvent" ADD CONSTRAINT "CustodyEvent_evidenceId_fkey" FOREIGN KEY ("evidenceId") REFERENCES "Evidence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustodyEvent" ADD CONSTRAINT "CustodyEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
