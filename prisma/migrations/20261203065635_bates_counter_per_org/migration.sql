-- Bates counters become per producing organisation (lib/productions): one organisation's
-- numbers no longer conflict with, or reveal, the other's. The shared counters cannot be split
-- by organisation, so they are emptied and each organisation's counter is rebuilt from its own
-- productions: the highest number it handed out per prefix, deleted productions included
-- (their numbers went out to a receiving party and are never reused).
DELETE FROM "BatesCounter";

-- AlterTable
ALTER TABLE "BatesCounter" DROP CONSTRAINT "BatesCounter_pkey",
ADD COLUMN     "orgId" UUID NOT NULL,
ADD CONSTRAINT "BatesCounter_pkey" PRIMARY KEY ("orgId", "prefix");

INSERT INTO "BatesCounter" ("orgId", "prefix", "last")
SELECT "orgId", "batesPrefix", MAX("batesEnd")
FROM "Production"
WHERE "batesEnd" IS NOT NULL
GROUP BY "orgId", "batesPrefix";
