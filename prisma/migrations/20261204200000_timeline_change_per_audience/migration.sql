-- A timeline change is counted for the readers who see the event it touched: each row records
-- the event's organisation and visibility, and a reader's version counts the rows visibleItemSql
-- lets it see (lib/timeline/derived-cache.ts). The rows so far are kept as changes every reader
-- sees, so no reader's version goes back.

-- The events first, as a writer locks them (its trigger then writes change rows): taken the other
-- way round, a write between this migration's first statement and its DROP TRIGGER would deadlock.
LOCK TABLE "TimelineEvent" IN ACCESS EXCLUSIVE MODE;
ALTER TABLE "TimelineChange" ADD COLUMN "orgId" UUID,
  ADD COLUMN "visibility" "Visibility" NOT NULL DEFAULT 'ALL_CASE_ORGS';
UPDATE "TimelineChange" c SET "orgId" = k."ownerOrgId" FROM "Case" k WHERE k.id = c."caseId";
DELETE FROM "TimelineChange" WHERE "orgId" IS NULL;
ALTER TABLE "TimelineChange" ALTER COLUMN "orgId" SET NOT NULL, ALTER COLUMN "visibility" DROP DEFAULT;
-- A reader's count reads the index alone, and only the rows of its classes.
DROP INDEX "TimelineChange_caseId_idx";
CREATE INDEX "TimelineChange_caseId_visibility_orgId_idx" ON "TimelineChange"("caseId", "visibility", "orgId");

ALTER TABLE "TimelineChangeFolded" ADD COLUMN "orgId" UUID,
  ADD COLUMN "visibility" "Visibility" NOT NULL DEFAULT 'ALL_CASE_ORGS';
UPDATE "TimelineChangeFolded" c SET "orgId" = k."ownerOrgId" FROM "Case" k WHERE k.id = c."caseId";
DELETE FROM "TimelineChangeFolded" WHERE "orgId" IS NULL;
ALTER TABLE "TimelineChangeFolded" ALTER COLUMN "orgId" SET NOT NULL, ALTER COLUMN "visibility" DROP DEFAULT;
ALTER TABLE "TimelineChangeFolded" DROP CONSTRAINT "TimelineChangeFolded_pkey",
  ADD CONSTRAINT "TimelineChangeFolded_pkey" PRIMARY KEY ("caseId", "orgId", "visibility");

-- One row per case, organisation and visibility a statement touched. An update also counts the
-- class an event left: made owner-only, it leaves what the partner sees.
CREATE OR REPLACE FUNCTION timeline_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO "TimelineChange" ("caseId", "orgId", visibility)
    SELECT u."caseId", u."orgId", u.visibility
    FROM (SELECT "caseId", "orgId", visibility FROM changed
          UNION SELECT "caseId", "orgId", visibility FROM previous) u
    WHERE EXISTS (SELECT 1 FROM "Case" k WHERE k.id = u."caseId");
  ELSE
    INSERT INTO "TimelineChange" ("caseId", "orgId", visibility)
    SELECT DISTINCT c."caseId", c."orgId", c.visibility FROM changed c
    WHERE EXISTS (SELECT 1 FROM "Case" k WHERE k.id = c."caseId");
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER timeline_updated ON "TimelineEvent";
CREATE TRIGGER timeline_updated AFTER UPDATE ON "TimelineEvent"
  REFERENCING OLD TABLE AS previous NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION timeline_changed();
