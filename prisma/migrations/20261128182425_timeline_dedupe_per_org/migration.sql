-- The importing organisation moves from a prefix of the key ("<orgId>:<key>") into the unique
-- index, which keeps its entries short. Keys written before this keep their old form (the part
-- after the prefix): a re-import of such a file is de-duplicated against rows of the new form only.

-- DropIndex
DROP INDEX "TimelineEvent_caseId_dedupeKey_key";

-- Strip the organisation prefix of existing keys
UPDATE "TimelineEvent" SET "dedupeKey" = substr("dedupeKey", 38) WHERE "dedupeKey" LIKE '________-____-____-____-____________:%';

-- CreateIndex
CREATE UNIQUE INDEX "TimelineEvent_caseId_orgId_dedupeKey_key" ON "TimelineEvent"("caseId", "orgId", "dedupeKey");
