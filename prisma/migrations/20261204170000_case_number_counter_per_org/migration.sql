-- Case numbers become per organisation (lib/cases/numbers.ts): <ORG SLUG>-<year>-<nnnn>, each
-- organisation counting on its own, so a number shown to the partner no longer tells how many
-- cases were opened before it across the instance. Numbers already handed out (CB-<year>-<nnnn>)
-- stay as they are; they cannot meet the new ones, whose prefix is a slug. The year counters of
-- the old scheme are dropped, and each organisation's count starts at 1.
DELETE FROM "CaseNumberCounter";

-- AlterTable
ALTER TABLE "CaseNumberCounter" DROP CONSTRAINT "CaseNumberCounter_pkey",
ADD COLUMN     "orgId" UUID NOT NULL,
ADD CONSTRAINT "CaseNumberCounter_pkey" PRIMARY KEY ("orgId", "year");
