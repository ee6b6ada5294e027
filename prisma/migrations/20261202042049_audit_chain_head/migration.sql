-- Takes the audit chain's lock, then reads the chain's last hash, in one round trip: the lock
-- is held until commit, and every round trip made while holding it (through a busy app's event
-- loop) was time the whole instance's writers queued for (issue 16). A VOLATILE function's
-- statements each read what committed before them, so the hash is read after the lock is held,
-- never from before it was granted.
CREATE FUNCTION audit_chain_head(lock_key bigint) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  RETURN (SELECT hash FROM "AuditEvent" ORDER BY id DESC LIMIT 1);
END $$;
