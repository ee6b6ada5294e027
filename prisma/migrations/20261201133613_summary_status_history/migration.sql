-- CreateTable
CREATE TABLE "CaseStatusChange" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "status" "CaseStatus" NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseBrief" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "findings" TEXT NOT NULL,
    "nextSteps" TEXT NOT NULL,
    "authorId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseBrief_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CaseStatusChange_caseId_changedAt_idx" ON "CaseStatusChange"("caseId", "changedAt");

-- CreateIndex
CREATE INDEX "CaseStatusChange_changedAt_idx" ON "CaseStatusChange"("changedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CaseBrief_caseId_version_key" ON "CaseBrief"("caseId", "version");

-- AddForeignKey
ALTER TABLE "CaseStatusChange" ADD CONSTRAINT "CaseStatusChange_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseBrief" ADD CONSTRAINT "CaseBrief_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A case's status history, kept by the database itself: every insert of a case and every change
-- of its status adds a row, whatever code path made it.
CREATE FUNCTION case_status_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO "CaseStatusChange" (id, "caseId", status, "changedAt")
    VALUES (gen_random_uuid(), NEW.id, NEW.status, CASE WHEN TG_OP = 'INSERT' THEN NEW."createdAt" ELSE now() END);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER case_status_history AFTER INSERT OR UPDATE OF status ON "Case"
  FOR EACH ROW EXECUTE FUNCTION case_status_history();

-- Cases made before this migration: opened at creation, in their present status since their
-- last update.
INSERT INTO "CaseStatusChange" (id, "caseId", status, "changedAt")
SELECT gen_random_uuid(), id, 'OPEN', "createdAt" FROM "Case";
INSERT INTO "CaseStatusChange" (id, "caseId", status, "changedAt")
SELECT gen_random_uuid(), id, status, "updatedAt" FROM "Case" WHERE status <> 'OPEN';
