-- AlterTable
ALTER TABLE "ImportJob" ADD COLUMN     "stats" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "TimelineEvent" ADD COLUMN     "attributes" JSONB,
ADD COLUMN     "customCategory" TEXT;
