// Runs one import job in a process of its own, as the app's server would, so a test can kill
// that process part-way (tests/integration/usage-crash.test.ts). Usage: run-import-job.ts <jobId>
import { disconnectDb } from "@/lib/db";
import { runImportJob } from "@/lib/jobs/runner";

await runImportJob(process.argv[2]!);
await disconnectDb();
