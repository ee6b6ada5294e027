-- CreateEnum
CREATE TYPE "Visibility" AS ENUM ('ALL_CASE_ORGS', 'OWNER_ORG_ONLY');

-- CreateEnum
CREATE TYPE "ReleaseMode" AS ENUM ('DIRECT', 'LEAD_RELEASE', 'TWO_PERSON');

-- CreateEnum
CREATE TYPE "ReleaseStatus" AS ENUM ('PENDING', 'RELEASED', 'REJECTED', 'WITHDRAWN');

-- DropIndex
DROP INDEX "Case_ownerOrgId_idx";

-- DropIndex
DROP INDEX "CaseMember_userId_idx";

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "releaseMode" "ReleaseMode" NOT NULL DEFAULT 'DIRECT';

-- CreateTable
CREATE TABLE "CaseOrganization" (
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "sharedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sharedById" UUID NOT NULL,

    CONSTRAINT "CaseOrganization_pkey" PRIMARY KEY ("caseId","orgId")
);

-- CreateTable
CREATE TABLE "Note" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "visibility" "Visibility" NOT NULL DEFAULT 'ALL_CASE_ORGS',
    "version" INTEGER NOT NULL DEFAULT 1,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Note_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemRelease" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "itemType" TEXT NOT NULL,
    "itemId" UUID NOT NULL,
    "status" "ReleaseStatus" NOT NULL,
    "reason" TEXT NOT NULL,
    "requestedById" UUID NOT NULL,
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "withdrawnById" UUID,
    "withdrawnAt" TIMESTAMP(3),
    "withdrawReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemRelease_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CaseOrganization_orgId_idx" ON "CaseOrganization"("orgId");

-- CreateIndex
CREATE INDEX "Note_caseId_createdAt_idx" ON "Note"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "ItemRelease_caseId_itemType_itemId_idx" ON "ItemRelease"("caseId", "itemType", "itemId");

-- CreateIndex
CREATE INDEX "AuditEvent_action_id_idx" ON "AuditEvent"("action", "id");

-- CreateIndex
CREATE INDEX "Case_updatedAt_id_idx" ON "Case"("updatedAt", "id");

-- CreateIndex
CREATE INDEX "Case_severity_updatedAt_idx" ON "Case"("severity", "updatedAt");

-- CreateIndex
CREATE INDEX "Case_ownerOrgId_updatedAt_idx" ON "Case"("ownerOrgId", "updatedAt");

-- CreateIndex
CREATE INDEX "CaseMember_userId_caseId_idx" ON "CaseMember"("userId", "caseId");

-- AddForeignKey
ALTER TABLE "CaseOrganization" ADD CONSTRAINT "CaseOrganization_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseOrganization" ADD CONSTRAINT "CaseOrganization_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Note" ADD CONSTRAINT "Note_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Note" ADD CONSTRAINT "Note_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemRelease" ADD CONSTRAINT "ItemRelease_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
