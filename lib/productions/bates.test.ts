import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { startProduction } from "@/lib/productions/mutations";
import { runProduction } from "@/lib/productions/runner";
import { blobPath, stagedFiles, upload } from "@/tests/helpers/evidence";
import { createJointCase, uid } from "@/tests/helpers/factories";
import { addLegalReviewer, downloadTo, produce, unzipBag } from "@/tests/helpers/productions";

// Bates numbers: zero-padded, unique, contiguous, continuing across an organisation's
// productions of a prefix (also two started at once), none consumed by a failed production; and
// the same scope with the same start gives byte-identical natives and DATA files. Between
// organisations: bates-orgs.test.ts.

async function caseWith(items: number) {
  const w = await createJointCase();
  const reviewer = await addLegalReviewer(w.caseId, w.ownerOrg.id);
  const ids: string[] = [];
  for (let i = 0; i < items; i++)
    ids.push((await upload(w.investigator, w.caseId, Buffer.from(`item ${i} ${uid()}`), { fileName: `f${i}.txt` })).id);
  return { ...w, reviewer, ids };
}

/** The owner organisation's counter of the prefix (its reviewer and lead produce here). */
const counterOf = (w: { ownerOrg: { id: string } }, prefix: string) => ({
  orgId_prefix: { orgId: w.ownerOrg.id, prefix },
});

const range = async (id: string) => {
  const p = await getDb().production.findUniqueOrThrow({ where: { id } });
  return { status: p.status, start: p.batesStart, end: p.batesEnd, error: p.error };
};

describe("Bates numbering", () => {
  it("continues at last + 1, gives concurrent productions disjoint contiguous ranges", async () => {
    const w = await caseWith(2);
    const prefix = `B${uid().toUpperCase()}-`;
    const first = await produce(w.reviewer, w.caseId, { batesPrefix: prefix });
    expect(await range(first)).toMatchObject({ status: "COMPLETE", start: 1, end: 2 });
    // A start below the counter is refused, naming the next free number; nothing is written.
    await expect(produce(w.reviewer, w.caseId, { batesPrefix: prefix, batesStart: 2 })).rejects.toThrow(/start at 3/);
    const second = await produce(w.reviewer, w.caseId, { batesPrefix: prefix, batesStart: 3 });
    expect(await range(second)).toMatchObject({ status: "COMPLETE", start: 3, end: 4 });
    // Two started at once, both asking for the next number.
    const input = { scope: { kind: "case" }, batesPrefix: prefix, batesStart: 5, receivingParty: "Counsel" };
    const [a, b] = await Promise.all([
      startProduction(w.reviewer, w.caseId, input),
      startProduction(w.lead, w.caseId, input),
    ]);
    await Promise.all([runProduction(a.id), runProduction(b.id)]);
    const ranges = [await range(a.id), await range(b.id)].sort((x, y) => x.start! - y.start!);
    expect(ranges).toMatchObject([
      { status: "COMPLETE", start: 5, end: 6 },
      { status: "COMPLETE", start: 7, end: 8 },
    ]);
    expect((await getDb().batesCounter.findUniqueOrThrow({ where: counterOf(w, prefix) })).last).toBe(8);
    // The names in the bag are the numbers, zero-padded.
    const bag = unzipBag(await downloadTo(w.reviewer, w.caseId, b.id));
    const numbers = readdirSync(path.join(bag, "data/NATIVES/0001")).sort();
    expect(numbers.length).toBe(2);
    expect(numbers.every((n) => /^B[0-9A-F]{10}-00000[5-8]\.txt$/.test(n))).toBe(true);
  }, 180_000);

  it("runs a production once when two runners claim it at once (the start and a status poll)", async () => {
    const w = await caseWith(1);
    const input = {
      scope: { kind: "case" },
      batesPrefix: `R${uid().toUpperCase()}-`,
      batesStart: 1,
      receivingParty: "Counsel",
    };
    const started = await startProduction(w.reviewer, w.caseId, input);
    await Promise.all([runProduction(started.id), runProduction(started.id)]);
    const p = await getDb().production.findUniqueOrThrow({ where: { id: started.id } });
    expect({ status: p.status, attempts: p.attempts, start: p.batesStart, end: p.batesEnd }).toEqual({
      status: "COMPLETE",
      attempts: 1,
      start: 1,
      end: 1,
    });
  }, 120_000);

  it("rejects a prefix that ends in a digit or a space", async () => {
    const w = await caseWith(0);
    for (const batesPrefix of ["CB1", "CB ", ""])
      await expect(produce(w.reviewer, w.caseId, { batesPrefix })).rejects.toBeInstanceOf(ValidationError);
    expect(await getDb().production.count({ where: { caseId: w.caseId } })).toBe(0);
  });

  it("fails on a blob that no longer matches its hash, naming the item, and consumes no numbers", async () => {
    const w = await caseWith(2);
    const prefix = `F${uid().toUpperCase()}_`;
    const ok = await produce(w.reviewer, w.caseId, { batesPrefix: prefix });
    expect(await range(ok)).toMatchObject({ start: 1, end: 2 });
    const item = await getDb().evidence.findUniqueOrThrow({ where: { id: w.ids[1]! } });
    const file = blobPath(item.sha256);
    const original = readFileSync(file);
    writeFileSync(file, Buffer.concat([original.subarray(0, 2), Buffer.from("X"), original.subarray(3)]));
    try {
      const failed = await produce(w.reviewer, w.caseId, { batesPrefix: prefix, batesStart: 3 });
      const r = await range(failed);
      expect(r).toMatchObject({ status: "FAILED", start: null, end: null });
      expect(r.error).toContain(item.id);
      expect(r.error).toContain("does not match its recorded SHA-256");
      expect((await getDb().batesCounter.findUniqueOrThrow({ where: counterOf(w, prefix) })).last).toBe(2);
      expect(stagedFiles()).toEqual([]); // the half-written ZIP is gone
    } finally {
      writeFileSync(file, original);
    }
    const again = await produce(w.reviewer, w.caseId, { batesPrefix: prefix, batesStart: 3 });
    expect(await range(again)).toMatchObject({ status: "COMPLETE", start: 3, end: 4 });
  }, 120_000);

  it("gives byte-identical natives and DATA files for the same scope and start", async () => {
    const w = await caseWith(3);
    const prefix = `D${uid().toUpperCase()}_`;
    const files = async (id: string) => {
      const bag = unzipBag(await downloadTo(w.reviewer, w.caseId, id));
      const out = new Map<string, Buffer>();
      for (const dir of ["data/NATIVES/0001", "data/DATA"])
        for (const f of readdirSync(path.join(bag, dir))) out.set(`${dir}/${f}`, readFileSync(path.join(bag, dir, f)));
      return out;
    };
    const one = await files(await produce(w.reviewer, w.caseId, { batesPrefix: prefix }));
    // The same start again: as if the numbers had never been handed out.
    await getDb().batesCounter.delete({ where: counterOf(w, prefix) });
    const two = await files(await produce(w.reviewer, w.caseId, { batesPrefix: prefix }));
    expect([...two.keys()]).toEqual([...one.keys()]);
    for (const [name, bytes] of one) expect({ name, same: bytes.equals(two.get(name)!) }).toEqual({ name, same: true });
  }, 120_000);
});
