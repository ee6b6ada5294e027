-- CreateTable
CREATE TABLE "TimelineChange" (
    "id" BIGSERIAL NOT NULL,
    "caseId" UUID NOT NULL,

    CONSTRAINT "TimelineChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TimelineChange_caseId_idx" ON "TimelineChange"("caseId");

-- Every statement that inserts, updates or deletes timeline events adds one row per case it
-- touched, in its own transaction: the case's count of rows moves exactly when a change commits,
-- with no row that writers would queue on. A case being deleted (its events cascade) is skipped.
CREATE FUNCTION timeline_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "TimelineChange" ("caseId")
  SELECT DISTINCT c."caseId" FROM changed c
  WHERE EXISTS (SELECT 1 FROM "Case" k WHERE k.id = c."caseId");
  RETURN NULL;
END $$;
CREATE TRIGGER timeline_inserted AFTER INSERT ON "TimelineEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION timeline_changed();
CREATE TRIGGER timeline_updated AFTER UPDATE ON "TimelineEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION timeline_changed();
CREATE TRIGGER timeline_deleted AFTER DELETE ON "TimelineEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION timeline_changed();
