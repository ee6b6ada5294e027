// Reads the first timeline page of a case `n` times at once, as `n` parallel requests to the
// timeline API would (guard, page, links, releases, audit), in a process of its own with the
// app's database settings (lib/db's pool). Prints one JSON line: how many succeeded, and why
// the others failed. Usage: parallel-timeline-reads.ts <actor JSON> <caseId> <n>
import type { TActor } from "@/lib/auth/session";
import { disconnectDb } from "@/lib/db";
import { listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";

const [actorJson, caseId, n] = process.argv.slice(2);
const actor = JSON.parse(actorJson!) as TActor;
const started = performance.now();
const outcomes = await Promise.allSettled(
  Array.from({ length: Number(n) }, () => listTimelineEvents(actor, caseId, ZTimelineFilters.parse({}))),
);
const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason).slice(0, 300)] : []));
const sizes = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.items.length] : []));
console.log(
  JSON.stringify({ ok: sizes.length, sizes: [...new Set(sizes)], failures, ms: performance.now() - started }),
);
await disconnectDb();
