import "server-only";
import { getDb } from "@/lib/db";
import { GENESIS_HASH, hashAuditEvent, type TAuditContent } from "@/lib/audit/hash";
import { auditCursor } from "@/lib/audit/queries";
import { recordAudit } from "@/lib/audit/record";
import { requireGlobal } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";

// Verification of the audit hash chain: every row's hash must match its content, and every
// row's prevHash must be the hash of the row before it (the first row's: GENESIS_HASH).
//
// Known limit: deleting the NEWEST rows (truncating the tail) leaves a shorter chain that is
// still perfectly valid. Only an external anchor catches that: keep the reported headHash (and
// headId) somewhere the database's operators cannot rewrite, and compare it on the next run.
// Likewise an attacker who rewrites a row AND recomputes every later hash is caught only by
// such an anchor.

export type TVerifyProgress = { checked: number; lastId: string };

export type TVerifyOptions = {
  /** Rows per query (default 5,000): memory stays flat at about one batch plus the prefetch. */
  batchSize?: number;
  /** Called after each batch. */
  onProgress?: (progress: TVerifyProgress) => void;
};

export type TVerifyFailure = "content_modified" | "chain_broken";

export type TVerifyResult =
  | { ok: true; checked: number; headId: string | null; headHash: string }
  /** `checked`: the intact rows before the first broken one. */
  | { ok: false; checked: number; firstBrokenId: string; firstBrokenAt: Date; reason: TVerifyFailure };

/**
 * What an organisation's admin is told of a run. The chain holds both organisations' rows, so
 * neither how many it holds nor their ids (which count the other's activity) is shown; the head
 * hash is what to keep, and a break links to the log at the broken row.
 */
export type TVerifyView =
  { ok: true; headHash: string } | { ok: false; reason: TVerifyFailure; brokenAt: Date; cursor: string };

/** The "Verify chain" form's state: the result, or the message of an error that stopped it. */
export type TVerifyChainState = { ok: boolean; message?: string; result?: TVerifyView };

type TChainRow = TAuditContent & { id: bigint; prevHash: string; hash: string };

const DEFAULT_BATCH_SIZE = 5_000;

// Keyset on the primary key: each batch is an index range scan, however deep into the table.
function fetchBatch(afterId: bigint, upToId: bigint, limit: number): Promise<TChainRow[]> {
  return getDb().$queryRaw<TChainRow[]>`
    SELECT id, "occurredAt", "actorId"::text AS "actorId", action, "targetType", "targetId",
           "caseId"::text AS "caseId", ip, "userAgent", details, "prevHash", hash
    FROM "AuditEvent"
    WHERE id > ${afterId} AND id <= ${upToId}
    ORDER BY id
    LIMIT ${limit}`;
}

/**
 * Walks the whole audit table in id order and checks the chain. Runs as separate statements,
 * not one long transaction (that would hold a snapshot for the whole walk and, on the embedded
 * database, stall every other connection). It stops at the head as it was when the walk began:
 * rows appended meanwhile are left for the next run. That head is consistent because writers
 * append under an advisory lock held until commit, so no committed row can later appear below
 * it. No authorization here: callers (the admin action, the CLI) decide who may run it.
 */
export async function verifyAuditChain(options: TVerifyOptions = {}): Promise<TVerifyResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const [head] = await getDb().$queryRaw<{ id: bigint }[]>`SELECT id FROM "AuditEvent" ORDER BY id DESC LIMIT 1`;
  if (!head) return { ok: true, checked: 0, headId: null, headHash: GENESIS_HASH };

  let prevHash = GENESIS_HASH;
  let lastId = 0n;
  let checked = 0;
  let pending: Promise<TChainRow[]> | null = fetchBatch(0n, head.id, batchSize);
  while (pending) {
    const rows: TChainRow[] = await pending;
    // Fetch the next batch while this one is hashed: the database and the CPU work in parallel.
    pending = rows.length === batchSize ? fetchBatch(rows[rows.length - 1]!.id, head.id, batchSize) : null;
    for (const row of rows) {
      const reason = checkRow(row, prevHash);
      if (reason) {
        pending?.catch(() => {}); // abandoned prefetch: its outcome no longer matters
        return { ok: false, checked, firstBrokenId: row.id.toString(), firstBrokenAt: row.occurredAt, reason };
      }
      prevHash = row.hash;
      lastId = row.id;
      checked += 1;
    }
    options.onProgress?.({ checked, lastId: lastId.toString() });
  }
  return { ok: true, checked, headId: checked ? lastId.toString() : null, headHash: prevHash };
}

/**
 * The admin "Verify chain" button. Only for audit.verify (anyone else: NotFound). The run is
 * itself audited, with its outcome and the head hash it saw.
 */
export async function verifyAuditChainAs(actor: TActor): Promise<TVerifyView> {
  requireGlobal(actor, "audit.verify");
  const result = await verifyAuditChain();
  const view: TVerifyView = result.ok
    ? { ok: true, headHash: result.headHash }
    : {
        ok: false,
        reason: result.reason,
        brokenAt: result.firstBrokenAt,
        cursor: auditCursor(BigInt(result.firstBrokenId) + 1n), // the page that starts with it
      };
  const details = view.ok ? view : { ok: false, reason: view.reason, brokenAt: view.brokenAt.toISOString() };
  await recordAudit({ actorId: actor.id, action: "audit.verify", targetType: "audit_log", details });
  return view;
}

// Content first: a row that no longer matches its own hash was edited, whatever its link says.
// A row that matches itself but not its predecessor follows a deletion or a reordering.
function checkRow(row: TChainRow, expectedPrevHash: string): TVerifyFailure | null {
  if (hashAuditEvent(row.prevHash, row) !== row.hash) return "content_modified";
  if (row.prevHash !== expectedPrevHash) return "chain_broken";
  return null;
}
