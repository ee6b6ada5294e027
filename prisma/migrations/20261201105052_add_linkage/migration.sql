-- CreateEnum
CREATE TYPE "EntityKind" AS ENUM ('ACCOUNT', 'API_KEY', 'ORG_ID', 'EMAIL', 'IP', 'NETWORK', 'ASN', 'PAYMENT', 'DEVICE', 'DOMAIN', 'PERSON');

-- CreateEnum
CREATE TYPE "LinkKind" AS ENUM ('USES_KEY', 'SHARES_PAYMENT', 'SHARES_IP', 'SHARES_DEVICE', 'SAME_ORG_ID', 'SYNCHRONISED', 'SAME_OWNER', 'CONTROLS', 'OTHER');

-- CreateEnum
CREATE TYPE "LinkDecisionKind" AS ENUM ('ACCEPTED', 'REJECTED');

-- CreateTable
CREATE TABLE "Entity" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" "EntityKind" NOT NULL,
    "value" TEXT NOT NULL,
    "mergedIntoId" UUID,
    "mergedById" UUID,
    "mergedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Entity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntityMention" (
    "id" UUID NOT NULL,
    "entityId" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "importId" UUID,
    "orgId" UUID NOT NULL,
    "visibility" "Visibility" NOT NULL DEFAULT 'ALL_CASE_ORGS',
    "display" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EntityMention_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntityLink" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "lineageId" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "kind" "LinkKind" NOT NULL,
    "fromId" UUID NOT NULL,
    "toId" UUID NOT NULL,
    "confidence" INTEGER NOT NULL,
    "provenance" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "contributions" JSONB NOT NULL DEFAULT '[]',
    "rationale" TEXT NOT NULL DEFAULT '',
    "firstSeen" TIMESTAMP(3),
    "lastSeen" TIMESTAMP(3),
    "supportRows" BIGINT NOT NULL DEFAULT 0,
    "retracted" BOOLEAN NOT NULL DEFAULT false,
    "orgId" UUID NOT NULL,
    "visibility" "Visibility" NOT NULL DEFAULT 'ALL_CASE_ORGS',
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMP(3),

    CONSTRAINT "EntityLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkSupport" (
    "id" UUID NOT NULL,
    "linkId" UUID NOT NULL,
    "importId" UUID,
    "evidenceId" UUID,
    "rows" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "LinkSupport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkProposal" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "viewerOrgId" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "kind" "LinkKind" NOT NULL,
    "fromId" UUID NOT NULL,
    "toId" UUID NOT NULL,
    "pairKey" TEXT NOT NULL,
    "confidence" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "contributions" JSONB NOT NULL,
    "rationale" TEXT NOT NULL,
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "support" JSONB NOT NULL,
    "supportRows" BIGINT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkProposal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkDecision" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "pairKey" TEXT NOT NULL,
    "decision" "LinkDecisionKind" NOT NULL,
    "linkId" UUID,
    "decidedById" UUID NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClusterLabel" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "anchorEntityId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClusterLabel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClusterRun" (
    "caseId" UUID NOT NULL,
    "viewerOrgId" UUID NOT NULL,
    "minConfidence" INTEGER NOT NULL,
    "linksStamp" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "resolution" DOUBLE PRECISION NOT NULL,
    "result" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClusterRun_pkey" PRIMARY KEY ("caseId","viewerOrgId","minConfidence")
);

-- CreateTable
CREATE TABLE "TimelineEventEntity" (
    "eventId" UUID NOT NULL,
    "entityId" UUID NOT NULL,

    CONSTRAINT "TimelineEventEntity_pkey" PRIMARY KEY ("eventId","entityId")
);

-- CreateTable
CREATE TABLE "LinkageSettings" (
    "caseId" UUID NOT NULL,
    "settings" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedById" UUID NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkageSettings_pkey" PRIMARY KEY ("caseId")
);

-- CreateIndex
CREATE INDEX "Entity_caseId_mergedIntoId_idx" ON "Entity"("caseId", "mergedIntoId");

-- CreateIndex
CREATE UNIQUE INDEX "Entity_caseId_kind_value_key" ON "Entity"("caseId", "kind", "value");

-- CreateIndex
CREATE INDEX "EntityMention_caseId_importId_idx" ON "EntityMention"("caseId", "importId");

-- CreateIndex
CREATE UNIQUE INDEX "EntityMention_entityId_importId_key" ON "EntityMention"("entityId", "importId");

-- CreateIndex
CREATE INDEX "EntityLink_caseId_supersededAt_idx" ON "EntityLink"("caseId", "supersededAt");

-- CreateIndex
CREATE INDEX "EntityLink_fromId_idx" ON "EntityLink"("fromId");

-- CreateIndex
CREATE INDEX "EntityLink_toId_idx" ON "EntityLink"("toId");

-- CreateIndex
CREATE UNIQUE INDEX "EntityLink_lineageId_version_key" ON "EntityLink"("lineageId", "version");

-- CreateIndex
CREATE INDEX "LinkSupport_linkId_idx" ON "LinkSupport"("linkId");

-- CreateIndex
CREATE INDEX "LinkProposal_caseId_viewerOrgId_confidence_idx" ON "LinkProposal"("caseId", "viewerOrgId", "confidence");

-- CreateIndex
CREATE UNIQUE INDEX "LinkProposal_caseId_viewerOrgId_rule_pairKey_key" ON "LinkProposal"("caseId", "viewerOrgId", "rule", "pairKey");

-- CreateIndex
CREATE UNIQUE INDEX "LinkDecision_caseId_orgId_rule_pairKey_key" ON "LinkDecision"("caseId", "orgId", "rule", "pairKey");

-- CreateIndex
CREATE UNIQUE INDEX "ClusterLabel_caseId_orgId_anchorEntityId_key" ON "ClusterLabel"("caseId", "orgId", "anchorEntityId");

-- CreateIndex
CREATE INDEX "TimelineEventEntity_entityId_idx" ON "TimelineEventEntity"("entityId");

-- AddForeignKey
ALTER TABLE "Entity" ADD CONSTRAINT "Entity_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntityMention" ADD CONSTRAINT "EntityMention_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "Entity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntityLink" ADD CONSTRAINT "EntityLink_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LinkSupport" ADD CONSTRAINT "LinkSupport_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "EntityLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LinkProposal" ADD CONSTRAINT "LinkProposal_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LinkDecision" ADD CONSTRAINT "LinkDecision_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClusterLabel" ADD CONSTRAINT "ClusterLabel_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClusterRun" ADD CONSTRAINT "ClusterRun_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LinkageSettings" ADD CONSTRAINT "LinkageSettings_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
