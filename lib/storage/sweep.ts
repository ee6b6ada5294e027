import "server-only";
import { getDb, withAdvisoryLock } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { getBlobStore } from "@/lib/storage";
import { lockBlob, referencedBlobs } from "@/lib/storage/references";
import { foldTimelineChanges } from "@/lib/timeline/derived-cache";
import { dropAbandonedStages } from "@/lib/timeline/import-stage";
import { dropAbandonedImports } from "@/lib/usage/load";

export type TSweepResult = {
  blobsRemoved: number;
  blobsKept: number;
  stagingRemoved: number;
  /** Timeline imports' staging tables whose job no longer needs them (lib/timeline/import-stage.ts). */
  stagesDropped: number;
  /** Usage imports' tables, with their rollups, that can no longer be loaded (lib/usage/load.ts). */
  usageTablesDropped: number;
  /** Timeline change rows folded into their case's count (lib/timeline/derived-cache.ts). */
  timelineChangesFolded: number;
};

const BATCH = 500;
const SWEEP_LOCK = "casebridge:storage-sweep";

/**
 * Removes stored files nothing needs any more: blobs no use references (lib/storage/references.ts:
 * purged evidence, finished imports, uploads whose row was never written), staged uploads left
 * by a crash, and the tables of timeline and usage imports their job no longer needs; and folds
 * the timeline's change rows into their cases' counts. Safe with several app instances: one
 * sweeps at a time (a session advisory lock; the others return null at once), and each removal
 * re-checks under the blob's own lock that nothing references it and that it is older than the
 * grace period, so an upload in flight (whose commit refreshed the blob's time) or one that just
 * wrote its row keeps it.
 */
export async function sweepStorage(options: { graceMs?: number } = {}): Promise<TSweepResult | null> {
  const graceMs = options.graceMs ?? getEnv().STORAGE_SWEEP_GRACE_MINUTES * 60_000;
  return withAdvisoryLock(SWEEP_LOCK, async () => {
    const store = getBlobStore();
    const cutoff = new Date(Date.now() - graceMs);
    const result: TSweepResult = {
      blobsRemoved: 0,
      blobsKept: 0,
      stagingRemoved: 0,
      stagesDropped: 0,
      usageTablesDropped: 0,
      timelineChangesFolded: 0,
    };
    result.stagingRemoved = await store.removeStaleStaging(cutoff);
    result.stagesDropped = await dropAbandonedStages();
    result.usageTablesDropped = await dropAbandonedImports();
    result.timelineChangesFolded = await foldTimelineChanges();
    let batch: string[] = [];
    const flush = async () => {
      const removed = await removeUnreferenced(batch, cutoff);
      result.blobsRemoved += removed;
      result.blobsKept += batch.length - removed;
      batch = [];
    };
    for await (const blob of store.listBlobs()) {
      if (blob.modifiedAt >= cutoff) {
        result.blobsKept += 1;
        continue;
      }
      batch.push(blob.sha256);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return result;
  });
}

async function removeUnreferenced(shas: string[], cutoff: Date): Promise<number> {
  const db = getDb();
  const store = getBlobStore();
  // A first look without locks; each candidate is then decided again under its lock.
  const inUse = await referencedBlobs(db, shas);
  let removed = 0;
  for (const sha256 of shas.filter((s) => !inUse.has(s))) {
    const gone = await db.$transaction(async (tx) => {
      await lockBlob(tx, sha256);
      if ((await referencedBlobs(tx, [sha256])).size > 0) return false;
      const modifiedAt = await store.modifiedAt(sha256);
      if (!modifiedAt || modifiedAt >= cutoff) return false;
      await store.remove(sha256);
      return true;
    });
    if (gone) removed += 1;
  }
  return removed;
}

/** The sweep as the app's scheduler runs it: errors are logged, never thrown. */
export async function runStorageSweep(): Promise<void> {
  try {
    const result = await sweepStorage();
    if (!result) console.log("• Storage sweep: another instance is sweeping; skipped");
    else if (result.blobsRemoved || result.stagingRemoved || result.stagesDropped || result.usageTablesDropped)
      console.log(
        `• Storage sweep: removed ${result.blobsRemoved} unreferenced file(s), ${result.stagingRemoved} staged upload(s), ${result.stagesDropped} import stage(s) and ${result.usageTablesDropped} usage import table(s)`,
      );
  } catch (error) {
    console.error("[storage] sweep failed:", error);
  }
}
