-- Appends audit rows to the chain in one statement: takes the chain's lock, reads the head, and
-- inserts each row with its hash, sha256 of `["<prevHash>",` followed by the row's content tail
-- (lib/audit/hash.ts#contentTail, computed by the app, so one canonical form). Every round trip
-- made while holding the lock was time every writer of the instance queued for (issue 16): a
-- write now holds it for this statement and its commit; a batch of audited reads, run on its
-- own, for one round trip in all. A VOLATILE function's statements each see what committed
-- before them, so the head is read after the lock is granted.
CREATE FUNCTION audit_append(lock_key bigint, entries jsonb) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  prev text;
  entry jsonb;
  next text;
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  prev := coalesce((SELECT hash FROM "AuditEvent" ORDER BY id DESC LIMIT 1), repeat('0', 64));
  FOR entry IN SELECT value FROM jsonb_array_elements(entries) LOOP
    next := encode(sha256(convert_to('["' || prev || '",' || (entry->>'tail'), 'UTF8')), 'hex');
    INSERT INTO "AuditEvent" ("occurredAt", "actorId", action, "targetType", "targetId", "caseId", ip, "userAgent", details, "prevHash", hash)
    VALUES ((entry->>'occurredAt')::timestamptz AT TIME ZONE 'UTC', (entry->>'actorId')::uuid, entry->>'action',
            entry->>'targetType', entry->>'targetId', (entry->>'caseId')::uuid, entry->>'ip', entry->>'userAgent',
            entry->'details', prev, next);
    prev := next;
  END LOOP;
END $$;

-- Replaced by audit_append.
DROP FUNCTION audit_chain_head(bigint);
