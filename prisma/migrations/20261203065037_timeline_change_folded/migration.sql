-- CreateTable
CREATE TABLE "TimelineChangeFolded" (
    "caseId" UUID NOT NULL,
    "changes" BIGINT NOT NULL,

    CONSTRAINT "TimelineChangeFolded_pkey" PRIMARY KEY ("caseId")
);
