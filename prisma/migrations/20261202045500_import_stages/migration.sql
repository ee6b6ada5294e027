-- Staging tables of timeline imports (lib/timeline/import-stage.ts), one per job between its
-- validation and its commit, kept apart from the tables Prisma manages.
CREATE SCHEMA IF NOT EXISTS import_stages;
