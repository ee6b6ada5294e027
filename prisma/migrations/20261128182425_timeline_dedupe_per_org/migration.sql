-- The importing organisation moves from a prefix of the key ("<orgId>:<key>") into the unique
-- index, which keeps its entries short. Keys written before this keep their old form (the part
-- after the prefix): a re-import of such a file is de-duplicated against rows of the new form only.

-- DropIndex
DROP INDEX "TimelineEvent_caseId_dedupeKey_key";

-- Strip the organisation prefix of existing keys
UPDATE "TimelineEvent" SET "dedupeKey" = substr("dedupeKey", 38) WHERE "dedupeKey" LIKE '________-____-____-____-____________:%';

-- Keys equal once the prefix is gone (one event imported both before and after the prefix came
-- in): the first keeps its key, the later copies lose theirs
UPDATE "TimelineEvent" t SET "dedupeKey" = NULL
FROM (SELECT id, row_number() OVER (PARTITION BY "caseId", "orgId", "dedupeKey" ORDER BY "createdAt", id) AS n FROM "TimelineEvent" WHERE "dedupeKey" IS NOT NULL) d
WHERE t.id = d.id AND d.n > 1;

-- CreateIndex
CREATE UNIQUE INDEX "TimelineEvent_caseId_orgId_dedupeKey_key" ON "TimelineEvent"("caseId", "orgId", "dedupeKey");
