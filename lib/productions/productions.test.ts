import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { parseBagInfo, parseManifest } from "@/lib/productions/bagit";
import { BOM, LOAD_FILE_COLUMNS, parseDat } from "@/lib/productions/load-file";
import { getProduction } from "@/lib/productions/queries";
import { DEFAULT_DELIMITERS } from "@/lib/productions/schemas";
import { verifyProductionZip } from "@/lib/productions/verify";
import { sha256, upload } from "@/tests/helpers/evidence";
import { createJointCase, uid } from "@/tests/helpers/factories";
import { addLegalReviewer, downloadTo, produce, rezip, unzipBag } from "@/tests/helpers/productions";

// One production of a joint case, checked the way a recipient would: stock tools (sha256sum,
// qpdf, pdftotext) and the app's verifier, then tampered with in each way the issue names.

async function world() {
  const w = await createJointCase();
  const reviewer = await addLegalReviewer(w.caseId, w.ownerOrg.id);
  const files = {
    log: Buffer.from(`ts,account\n2026-11-01T00:00:00Z,acct_${uid()}\n`),
    memo: Buffer.from(`Privileged memo ${uid()}: counsel's advice`),
    shot: Buffer.from(`PNG-ish bytes ${uid()}\u0000\u0001`),
    partnerPrivate: Buffer.from(`partner owner-only ${uid()}`),
  };
  const log = await upload(w.investigator, w.caseId, files.log, {
    title: "Gateway log",
    fileName: "gateway.csv",
    collectedBy: "SOC\nnight shift",
  });
  const memo = await upload(w.lead, w.caseId, files.memo, { title: "Counsel memo", fileName: "memo.txt" });
  const shot = await upload(w.investigator, w.caseId, files.shot, {
    title: "Screenshot",
    fileName: "screen.PNG",
    mimeType: "application/octet-stream",
  });
  const hidden = await upload(w.partnerInvestigator, w.caseId, files.partnerPrivate, {
    title: "Partner only",
    fileName: "p.txt",
    visibility: "OWNER_ORG_ONLY",
  });
  // A shared event of the partner's, tied to the partner's owner-only item and to a shared one:
  // the export's timeline.csv may name only the shared one.
  const sighting = await createTimelineEvent(w.partnerInvestigator, w.caseId, {
    occurredAt: "2026-11-01T10:00Z",
    timeZone: "UTC",
    title: "Partner sighting",
    category: "EXTRACTION",
    evidenceIds: [hidden.id, log.id],
  });
  await getDb().evidence.update({
    where: { id: memo.id },
    data: {
      privileged: true,
      privilegeBasis: "ATTORNEY_CLIENT",
      privilegeDescription: "Advice of counsel on the takedown",
      privilegedById: reviewer.id,
      privilegedAt: new Date(),
    },
  });
  return {
    ...w,
    reviewer,
    files,
    ids: { log: log.id, memo: memo.id, shot: shot.id, hidden: hidden.id, sighting: sighting.id },
  };
}

describe("legal review exports", () => {
  it("produces a BagIt bag that sha256sum, qpdf, pdftotext and the app's verifier accept", async () => {
    const w = await world();
    const prefix = `T${uid().toUpperCase()}_`;
    const id = await produce(w.reviewer, w.caseId, { batesPrefix: prefix });
    const view = await getProduction(w.reviewer, w.caseId, id);
    expect(view).toMatchObject({
      status: "COMPLETE",
      itemsTotal: 2,
      itemsDone: 2,
      batesRange: `${prefix}000001 – ${prefix}000002`,
    });
    const zip = await downloadTo(w.reviewer, w.caseId, id);
    expect(sha256(readFileSync(zip))).toBe(view.sha256);

    const verdict = await verifyProductionZip(zip);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);

    const bag = unzipBag(zip);
    for (const m of ["tagmanifest-sha256.txt", "manifest-sha256.txt"])
      expect(spawnSync("sha256sum", ["--strict", "-c", m], { cwd: bag, encoding: "utf8" }).status).toBe(0);

    // Natives: the two produced items, bytes unchanged, named by Bates; privileged and the
    // partner's owner-only item absent (searched by hash over every file of the bag).
    const natives = readdirSync(path.join(bag, "data/NATIVES/0001")).sort();
    expect(natives).toEqual([`${prefix}000001.csv`, `${prefix}000002.png`]);
    expect(readFileSync(path.join(bag, "data/NATIVES/0001", natives[0]!)).equals(w.files.log)).toBe(true);
    const all = execFileSync("find", [bag, "-type", "f"], { encoding: "utf8" }).trim().split("\n");
    const hashes = new Set(all.map((f) => sha256(readFileSync(f))));
    expect(hashes.has(sha256(w.files.memo))).toBe(false);
    expect(hashes.has(sha256(w.files.partnerPrivate))).toBe(false);
    const everything = all.map((f) => readFileSync(f, "latin1")).join("\n");
    expect(everything).not.toContain(w.ids.hidden);

    // The partner's shared event is there, with the shared item it cites and not its hidden one.
    const timeline = readFileSync(path.join(bag, "data/DATA/timeline.csv"), "utf8");
    expect(timeline.split("\n").find((line) => line.includes(w.ids.sighting))).toContain(w.ids.log);

    // The privilege log lists the withheld memo with its basis and description.
    const privilege = readFileSync(path.join(bag, "data/DATA/privilege_log.csv"), "utf8");
    expect(privilege).toContain(w.ids.memo);
    expect(privilege).toContain("ATTORNEY_CLIENT");
    expect(privilege).toContain("Advice of counsel on the takedown");

    // The audit extract names each row by its chain hash, never by its id: ids come from one
    // sequence for the whole instance, so their gaps would count the partner's activity.
    const audit = readFileSync(path.join(bag, "data/DATA/audit_extract.jsonl"), "utf8").trim().split("\n");
    expect(audit.length).toBeGreaterThan(0);
    for (const line of audit)
      expect(Object.keys(JSON.parse(line))).toEqual([
        "occurredAt",
        "actor",
        "action",
        "targetType",
        "targetId",
        "hash",
      ]);

    // bag-info.txt carries every field the issue lists.
    const info = parseBagInfo(readFileSync(path.join(bag, "bag-info.txt"), "utf8"));
    expect(info.get("Source-Organization")).toBe(w.ownerOrg.name);
    expect(info.get("Casebridge-Production-Id")).toBe(id);
    expect(info.get("Bates-Begin")).toBe(`${prefix}000001`);
    expect(info.get("Bates-End")).toBe(`${prefix}000002`);
    expect(info.get("Produced-To")).toBe("Counsel for the partner");
    expect(info.get("Load-File-Column-Delimiter")).toBe("U+0014");
    expect(info.get("Payload-Oxum")).toMatch(/^\d+\.\d+$/);
    for (const k of ["Casebridge-Case-Number", "Produced-By", "Casebridge-Version", "Load-File-Encoding"])
      expect(info.get(k)).toBeTruthy();

    // The load file: BOM, CRLF only, declared delimiters, header, sorted, matching the manifest.
    const datPath = path.join(bag, info.get("Load-File")!);
    const dat = readFileSync(datPath, "utf8");
    expect(dat.startsWith(BOM)).toBe(true);
    expect(dat.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const [header, ...rows] = parseDat(dat, DEFAULT_DELIMITERS);
    expect(header).toEqual([...LOAD_FILE_COLUMNS]);
    const col = (name: (typeof LOAD_FILE_COLUMNS)[number]) => LOAD_FILE_COLUMNS.indexOf(name);
    expect(rows.map((r) => r[col("BEGBATES")])).toEqual([`${prefix}000001`, `${prefix}000002`]);
    expect(rows[0]![col("COLLECTED_BY")]).toBe("SOC\nnight shift"); // the newline delimiter round-trips
    const manifest = parseManifest(readFileSync(path.join(bag, "manifest-sha256.txt"), "utf8")).entries;
    const nativeLines = [...manifest].filter(([p]) => p.startsWith("data/NATIVES/")).sort();
    expect(rows.map((r) => [`data/${r[col("NATIVEPATH")]}`, r[col("SHA256HASH")]])).toEqual(nativeLines);
    expect(rows[0]![col("MD5HASH")]).toMatch(/^[0-9a-f]{32}$/);
    const twin = readFileSync(datPath.replace(/\.dat$/, ".csv"), "utf8");
    expect(twin.startsWith(BOM)).toBe(true);
    expect(twin.split("\r\n").filter(Boolean)).toHaveLength(3);

    // The report: a valid PDF with the TLP banner and the Bates footer on every page.
    const pdf = path.join(bag, "data/REPORTS/case_report.pdf");
    expect(spawnSync("qpdf", ["--check", pdf]).status).toBe(0);
    const pages = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" })
      .split("\f")
      .filter((p) => p.trim());
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, i) => {
      expect(page).toContain("TLP:AMBER");
      expect(page).toContain(`${prefix}000001 - ${prefix}000002`);
      expect(page).toContain(`Page ${i + 1}`);
    });
    const text = pages.join("\n");
    expect(text).toContain("Privilege log");
    expect(text).toContain(w.ids.memo); // the withheld item, listed in full
    expect(text).toContain(sha256(w.files.log)); // the evidence index, hash in full

    // Downloading is audited and puts a PRODUCED entry in each produced item's custody.
    const custody = await getDb().custodyEvent.findMany({
      where: { action: "PRODUCED", evidenceId: { in: Object.values(w.ids) } },
    });
    expect(custody.map((c) => c.evidenceId).sort()).toEqual([w.ids.log, w.ids.shot].sort());
    expect(await getDb().auditEvent.count({ where: { action: "production.downloaded", targetId: id } })).toBe(1);

    // Tampering, each detected and named.
    const check = async (change: (bag: string) => void) => {
      const copy = unzipBag(zip);
      change(copy);
      return (await verifyProductionZip(rezip(copy))).problems;
    };
    const native = `data/NATIVES/0001/${prefix}000001.csv`;
    const flipped = await check((b) => {
      const bytes = readFileSync(path.join(b, native));
      bytes[3] = bytes[3]! ^ 0x01;
      writeFileSync(path.join(b, native), bytes);
    });
    expect(flipped).toContainEqual({ file: native, problem: expect.stringContaining("digest differs") });
    // The command line says the same, with its exit code.
    const cli = (file: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/export-verify.ts", file], {
        encoding: "utf8",
      });
    const good = cli(zip);
    expect(good.stdout).toContain("OK: complete");
    expect(good.status).toBe(0);
    const tamperedCopy = unzipBag(zip);
    writeFileSync(path.join(tamperedCopy, "data/NATIVES/0001/extra.txt"), "slipped in");
    const bad = cli(rezip(tamperedCopy));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("data/NATIVES/0001/extra.txt: extra");
    const added = await check((b) => writeFileSync(path.join(b, "data/NATIVES/0001/extra.txt"), "slipped in"));
    expect(added).toContainEqual({ file: "data/NATIVES/0001/extra.txt", problem: expect.stringContaining("extra") });
    const removed = await check((b) => rmSync(path.join(b, native)));
    expect(removed).toContainEqual({ file: native, problem: expect.stringContaining("missing") });
    const edited = await check((b) => appendFileSync(path.join(b, "bag-info.txt"), "Produced-To: someone else\n"));
    expect(edited).toContainEqual({ file: "bag-info.txt", problem: expect.stringContaining("digest differs") });
    // sha256sum -c agrees on the flipped byte.
    const copy = unzipBag(zip);
    const bytes = readFileSync(path.join(copy, native));
    bytes[0] = bytes[0]! ^ 0x01;
    writeFileSync(path.join(copy, native), bytes);
    const run = spawnSync("sha256sum", ["-c", "manifest-sha256.txt"], { cwd: copy, encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain(`${native}: FAILED`);
  }, 180_000);
});
