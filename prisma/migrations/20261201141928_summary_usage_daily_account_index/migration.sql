-- CreateIndex
CREATE INDEX "UsageDaily_caseId_accountId_day_idx" ON "UsageDaily"("caseId", "accountId", "day");
