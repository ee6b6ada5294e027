-- CreateEnum
CREATE TYPE "PrivilegeBasis" AS ENUM ('ATTORNEY_CLIENT', 'WORK_PRODUCT', 'COMMON_INTEREST');

-- CreateEnum
CREATE TYPE "ProductionStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETE', 'FAILED');

-- CreateEnum
CREATE TYPE "EnforcementKind" AS ENUM ('KEY_REVOKED', 'ACCOUNT_SUSPENDED', 'ACCOUNT_BANNED', 'ORG_SUSPENDED', 'PAYMENT_BLOCKED', 'LAW_ENFORCEMENT_REFERRAL', 'OTHER');

-- AlterTable
ALTER TABLE "Evidence" ADD COLUMN     "privilegeBasis" "PrivilegeBasis",
ADD COLUMN     "privilegeDescription" TEXT,
ADD COLUMN     "privilegedAt" TIMESTAMP(3),
ADD COLUMN     "privilegedById" UUID;

-- AlterTable
ALTER TABLE "Note" ADD COLUMN     "privilegeBasis" "PrivilegeBasis",
ADD COLUMN     "privilegeDescription" TEXT,
ADD COLUMN     "privileged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "privilegedAt" TIMESTAMP(3),
ADD COLUMN     "privilegedById" UUID;

-- AlterTable
ALTER TABLE "TimelineEvent" ADD COLUMN     "privilegeBasis" "PrivilegeBasis",
ADD COLUMN     "privilegeDescription" TEXT,
ADD COLUMN     "privileged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "privilegedAt" TIMESTAMP(3),
ADD COLUMN     "privilegedById" UUID;

-- CreateTable
CREATE TABLE "BatesCounter" (
    "prefix" TEXT NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "BatesCounter_pkey" PRIMARY KEY ("prefix")
);

-- CreateTable
CREATE TABLE "Production" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "status" "ProductionStatus" NOT NULL DEFAULT 'QUEUED',
    "scope" JSONB NOT NULL,
    "batesPrefix" TEXT NOT NULL,
    "batesStart" INTEGER,
    "batesEnd" INTEGER,
    "receivingParty" TEXT NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "legalHold" BOOLEAN NOT NULL DEFAULT false,
    "itemsTotal" INTEGER NOT NULL DEFAULT 0,
    "itemsDone" INTEGER NOT NULL DEFAULT 0,
    "bytesTotal" BIGINT NOT NULL DEFAULT 0,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "size" BIGINT,
    "sha256" TEXT,
    "error" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "deletedById" UUID,

    CONSTRAINT "Production_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnforcementAction" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "kind" "EnforcementKind" NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "requestedById" UUID NOT NULL,
    "carriedOutBy" TEXT NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL,
    "entityIds" UUID[] DEFAULT ARRAY[]::UUID[],
    "recordedById" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EnforcementAction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Production_caseId_createdAt_idx" ON "Production"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "Production_createdAt_idx" ON "Production"("createdAt");

-- CreateIndex
CREATE INDEX "EnforcementAction_caseId_takenAt_idx" ON "EnforcementAction"("caseId", "takenAt");

-- CreateIndex
CREATE INDEX "EnforcementAction_takenAt_idx" ON "EnforcementAction"("takenAt");

-- AddForeignKey
ALTER TABLE "Production" ADD CONSTRAINT "Production_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnforcementAction" ADD CONSTRAINT "EnforcementAction_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
