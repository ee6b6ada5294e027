-- CreateTable
CREATE TABLE "EntityUsage" (
    "entityId" UUID NOT NULL,
    "importId" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "requests" BIGINT NOT NULL,
    "tokens" BIGINT NOT NULL,
    "rateLimited" BIGINT NOT NULL,
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "spellings" TEXT[],

    CONSTRAINT "EntityUsage_pkey" PRIMARY KEY ("entityId","importId")
);

-- CreateIndex
CREATE INDEX "EntityUsage_caseId_importId_idx" ON "EntityUsage"("caseId", "importId");
