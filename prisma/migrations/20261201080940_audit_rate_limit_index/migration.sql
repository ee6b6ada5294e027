-- CreateIndex
CREATE INDEX "AuditEvent_actorId_action_occurredAt_idx" ON "AuditEvent"("actorId", "action", "occurredAt");
