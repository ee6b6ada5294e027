-- CreateTable
CREATE TABLE "ClusterUsageDaily" (
    "caseId" UUID NOT NULL,
    "viewerOrgId" UUID NOT NULL,
    "cluster" INTEGER NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "requests" BIGINT NOT NULL,
    "tokens" BIGINT NOT NULL,

    CONSTRAINT "ClusterUsageDaily_pkey" PRIMARY KEY ("viewerOrgId","caseId","day","cluster")
);

-- CreateTable
CREATE TABLE "ClusterAccount" (
    "caseId" UUID NOT NULL,
    "viewerOrgId" UUID NOT NULL,
    "cluster" INTEGER NOT NULL,
    "entityId" UUID NOT NULL,
    "activeDays" datemultirange NOT NULL,

    CONSTRAINT "ClusterAccount_pkey" PRIMARY KEY ("viewerOrgId","caseId","entityId")
);

-- CreateIndex
CREATE INDEX "Entity_caseId_mergedAt_idx" ON "Entity"("caseId", "mergedAt");

-- AddForeignKey
ALTER TABLE "ClusterUsageDaily" ADD CONSTRAINT "ClusterUsageDaily_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClusterAccount" ADD CONSTRAINT "ClusterAccount_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The runs stored so far have no usage rollup: drop them (a cache) so each is computed again
-- with its rollup when next read.
DELETE FROM "ClusterRun";
