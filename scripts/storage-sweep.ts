// npm run storage:sweep: removes stored files nothing references any more (finished imports,
// purged evidence, uploads whose row was never written), staged uploads left by a crash and
// timeline imports' staging tables their job no longer needs, older than
// STORAGE_SWEEP_GRACE_MINUTES, and folds the timeline's change rows into their cases' counts.
// `npm start` runs the same sweep at start and on a schedule; this is for deployments that start
// the app otherwise (run it from cron).
import { sweepStorage } from "@/lib/storage/sweep";
import { withDatabase } from "@/scripts/runtime";

await withDatabase(async () => {
  const result = await sweepStorage();
  if (!result) console.log("Another process is sweeping the storage right now; nothing done.");
  else
    console.log(
      `Removed ${result.blobsRemoved} unreferenced file(s), ${result.stagingRemoved} staged upload(s), ${result.stagesDropped} import stage(s) and ${result.usageTablesDropped} usage import table(s); ${result.blobsKept} file(s) kept; ${result.timelineChangesFolded} timeline change row(s) folded.`,
    );
});
