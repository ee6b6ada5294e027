-- CreateIndex
CREATE INDEX "TimelineEvent_caseId_source_idx" ON "TimelineEvent"("caseId", "source");
