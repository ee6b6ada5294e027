-- CreateTable
CREATE TABLE "CaseCategory" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "colour" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CaseCategory_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CaseCategory_caseId_orgId_name_key" ON "CaseCategory"("caseId", "orgId", "name");

-- AddForeignKey
ALTER TABLE "CaseCategory" ADD CONSTRAINT "CaseCategory_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every name events already carry becomes its organisation's category on the case.
INSERT INTO "CaseCategory" ("id", "caseId", "orgId", "name", "updatedAt")
SELECT gen_random_uuid(), "caseId", "orgId", "customCategory", CURRENT_TIMESTAMP
FROM "TimelineEvent"
WHERE "customCategory" IS NOT NULL
GROUP BY "caseId", "orgId", "customCategory";
