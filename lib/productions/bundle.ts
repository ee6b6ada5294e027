import "server-only";
import { createHash } from "node:crypto";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import yazl from "yazl";
import pkg from "@/package.json";
import { getBlobStore, type TStagedBlob } from "@/lib/storage";
import { BAGIT_TXT, bagInfoText, digestStream, manifestText, payloadOxum, type TDigest } from "@/lib/productions/bagit";
import {
  auditOf,
  custodyOf,
  linkageOf,
  scopedEvents,
  type TScopedEvidence,
  type TWithheld,
} from "@/lib/productions/content";
import {
  BOM,
  CRLF,
  csvLine,
  datLine,
  LOAD_FILE_COLUMNS,
  rowValues,
  type TLoadFileRow,
} from "@/lib/productions/load-file";
import { newReportPdf, writeReport, type TReportInput } from "@/lib/productions/report";
import { formatBates, type TDelimiters } from "@/lib/productions/schemas";
import { verifyCommands } from "@/lib/productions/verify-text";

// The bundle: a ZIP (yazl, streamed, ZIP64 when needed) holding one BagIt bag. The ZIP flows
// straight into the blob store's staging area, which hashes it on the way (never in memory, never
// a second pass); the caller commits it under its SHA-256 once the production completes. Every
// native is hashed as it is copied: a blob that no longer matches its recorded SHA-256 fails the
// whole bundle, naming the item, before anything is committed.

export const NATIVES_PER_FOLDER = 5_000;

export type TBundleInput = Omit<TReportInput, "batesRange" | "produced"> & {
  /** The natives to produce, in Bates order (privileged items already left out). */
  produced: TScopedEvidence[];
  batesPrefix: string;
  batesStart: number;
  delimiters: TDelimiters;
  /** Called as natives are copied: items and bytes done. */
  onProgress: (items: number, bytes: number) => void;
};

export type TBundle = { staged: TStagedBlob; batesEnd: number | null; bagName: string; files: number };

const iso = (d: Date | null) => (d ? d.toISOString().replace(".000Z", "Z") : "");

/** A native's extension, from its original name: lower case letters and digits only. */
export function nativeExtension(fileName: string): string {
  const ext = path.extname(fileName).slice(1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(ext) ? `.${ext}` : "";
}

/** The name of a production's bag and load file: its Bates range (or the prefix when empty). */
export function productionName(prefix: string, start: number, count: number): string {
  return count > 0 ? `${formatBates(prefix, start)}-${formatBates(prefix, start + count - 1)}` : `${prefix}_NO_NATIVES`;
}

const csv = (rows: readonly (readonly string[])[]) => rows.map((r) => csvLine(r) + CRLF).join("");

/** The ZIP file, staged in the blob store. */
export async function buildBundle(input: TBundleInput): Promise<TBundle> {
  const { batesPrefix: prefix, batesStart: start, delimiters } = input;
  const produced = input.produced.map((e, i) => {
    const bates = formatBates(prefix, start + i);
    const folder = String(Math.floor(i / NATIVES_PER_FOLDER) + 1).padStart(4, "0");
    return { ...e, bates, nativePath: `NATIVES/${folder}/${bates}${nativeExtension(e.fileName)}` };
  });
  const name = productionName(prefix, start, produced.length);
  const bag = `${input.case.number}_${name}`;
  const batesRange = produced.length ? `${produced[0]!.bates} - ${produced.at(-1)!.bates}` : "none (no natives)";
  const mtime = input.generatedAt;
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  let failure: Error | null = null;
  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    out.destroy(error);
  };
  // `out` ends in error on a failure; `failure` carries it to the caller (after stage() returns or
  // rejects), so this listener only keeps the pipe from re-emitting it as an uncaught exception.
  out.on("error", () => {});
  zip.on("error", (e: Error) => fail(e));
  zip.outputStream.on("error", (e: Error) => fail(e));
  zip.outputStream.pipe(out);

  const payload: TDigest[] = [];
  const md5Of = new Map<string, string>();
  /** Adds a payload file whose bytes come from `open` when the ZIP reaches it. */
  const addPayload = (
    rel: string,
    open: () => Promise<Readable>,
    options: { compress: boolean; size?: number; expect?: { sha256: string; what: string } },
  ) => {
    zip.addReadStreamLazy(
      `${bag}/data/${rel}`,
      { mtime, compress: options.compress, ...(options.size !== undefined ? { size: options.size } : {}) },
      (cb) => {
        open().then(
          (source) => {
            const digest = digestStream((d) => {
              if (options.expect && d.sha256 !== options.expect.sha256)
                throw new Error(
                  `${options.expect.what} does not match its recorded SHA-256 (recorded ${options.expect.sha256}, stored file hashes to ${d.sha256}). Nothing was produced.`,
                );
              payload.push({ path: `data/${rel}`, sha256: d.sha256, size: d.size });
              md5Of.set(`data/${rel}`, d.md5);
            });
            source.on("error", (e: Error) => fail(e));
            digest.on("error", (e: Error) => fail(e));
            cb(null, source.pipe(digest));
          },
          (error: Error) => fail(error),
        );
      },
    );
  };
  const text = (gen: () => AsyncGenerator<string>) => async () => Readable.from(gen(), { objectMode: false });

  // Natives: bytes unchanged, stored (not deflated: they are often compressed already).
  let items = 0;
  let bytes = 0;
  const store = getBlobStore();
  for (const e of produced) {
    addPayload(
      e.nativePath,
      async () => {
        const stream = await store.read(e.sha256);
        if (!stream)
          throw new Error(`Evidence "${e.title}" (${e.id}): its stored file is missing. Nothing was produced.`);
        stream.on("data", (chunk: Buffer) => input.onProgress(items, (bytes += chunk.length)));
        stream.on("end", () => input.onProgress(++items, bytes));
        return stream;
      },
      {
        compress: false,
        size: e.size,
        expect: { sha256: e.sha256, what: `Evidence "${e.title}" (${e.id})` },
      },
    );
  }

  const linkage = await linkageOf(input.producer, input.case.id);
  const report: TReportInput = { ...input, produced, batesRange };
  addPayload(
    "REPORTS/case_report.pdf",
    async () => {
      const doc = newReportPdf(report);
      writeReport(doc, report, { entities: linkage.entities.length, links: linkage.links.length }).catch((e: Error) =>
        fail(e),
      );
      return doc as unknown as Readable;
    },
    { compress: true },
  );

  // The load file and its CSV twin: one row per native, in Bates order.
  const loadRows = (): TLoadFileRow[] =>
    produced.map((e) => ({
      BEGBATES: e.bates,
      ENDBATES: e.bates,
      FILENAME: e.fileName,
      FILEEXT: nativeExtension(e.fileName).slice(1),
      FILESIZE: String(e.size),
      NATIVEPATH: e.nativePath,
      SHA256HASH: e.sha256,
      MD5HASH: md5Of.get(`data/${e.nativePath}`) ?? "",
      CUSTODIAN: e.custodian,
      SOURCE_ORG: e.orgName,
      COLLECTED_AT: iso(e.collectedAt),
      COLLECTED_BY: e.collectedBy,
      EVIDENCE_ID: e.id,
      TIMEZONE: "UTC",
    }));
  addPayload(
    `DATA/${name}.dat`,
    text(async function* () {
      yield BOM + datLine(LOAD_FILE_COLUMNS, delimiters) + CRLF;
      for (const r of loadRows()) yield datLine(rowValues(r), delimiters) + CRLF;
    }),
    { compress: true },
  );
  addPayload(
    `DATA/${name}.csv`,
    text(async function* () {
      yield BOM + csvLine(LOAD_FILE_COLUMNS) + CRLF;
      for (const r of loadRows()) yield csvLine(rowValues(r)) + CRLF;
    }),
    { compress: true },
  );
  addPayload(
    "DATA/privilege_log.csv",
    text(() => privilegeLog(input.withheld)),
    { compress: true },
  );
  addPayload(
    "DATA/custody_log.csv",
    text(async function* () {
      yield BOM + csvLine(["BATES", "EVIDENCE_ID", "OCCURRED_AT", "ACTION", "ACTOR", "SHA256", "NOTE"]) + CRLF;
      const batesOf = new Map(produced.map((e) => [e.id, e.bates]));
      for await (const page of custodyOf(produced.map((e) => e.id)))
        yield csv(
          page.map((c) => [batesOf.get(c.evidenceId)!, c.evidenceId, iso(c.at), c.action, c.actor, c.sha256, c.note]),
        );
    }),
    { compress: true },
  );
  addPayload(
    "DATA/timeline.csv",
    text(async function* () {
      yield (
        BOM +
        csvLine([
          "ID",
          "OCCURRED_AT",
          "ENDS_AT",
          "CATEGORY",
          "CONFIDENCE",
          "TITLE",
          "DESCRIPTION",
          "SOURCE",
          "ORGANISATION",
          "EVIDENCE_IDS",
        ]) +
        CRLF
      );
      for await (const page of scopedEvents(input.producer, input.case.id, input.scope))
        yield csv(
          page.map((e) => [
            e.id,
            iso(e.occurredAt),
            iso(e.endsAt),
            e.category,
            e.confidence,
            e.title,
            e.description,
            e.source,
            e.orgName,
            e.evidenceIds.join(";"),
          ]),
        );
    }),
    { compress: true },
  );
  addPayload(
    "DATA/entities.csv",
    text(async function* () {
      yield BOM + csvLine(["ID", "KIND", "VALUE", "MERGED_INTO"]) + CRLF;
      yield csv(linkage.entities.map((e) => [e.id, e.kind, e.value, e.mergedIntoId ?? ""]));
    }),
    { compress: true },
  );
  addPayload(
    "DATA/links.csv",
    text(async function* () {
      yield BOM + csvLine(["ID", "KIND", "FROM", "TO", "CONFIDENCE", "PROVENANCE", "RATIONALE"]) + CRLF;
      yield csv(
        linkage.links.map((l) => [
          l.id,
          l.kind,
          l.fromValue,
          l.toValue,
          String(l.confidence),
          l.provenance,
          l.rationale,
        ]),
      );
    }),
    { compress: true },
  );
  addPayload(
    "DATA/audit_extract.jsonl",
    text(async function* () {
      for await (const page of auditOf(input.producer, input.case.id))
        yield page
          .map(
            (a) =>
              JSON.stringify({
                occurredAt: iso(a.occurredAt),
                actor: a.actor,
                action: a.action,
                targetType: a.targetType,
                targetId: a.targetId,
                hash: a.hash,
              }) + "\n",
          )
          .join("");
    }),
    { compress: true },
  );

  // Tag files: written last, from the digests the payload left behind.
  let tags: Map<string, Buffer> | null = null;
  const tagFiles = () => {
    if (tags) return tags;
    const natives = produced.length;
    const bagInfo = bagInfoText([
      ["Source-Organization", input.producer.orgName],
      ["Bagging-Date", input.generatedAt.toISOString().slice(0, 10)],
      ["External-Identifier", input.productionId],
      ["External-Description", `Legal review production of case ${input.case.number} to ${input.receivingParty}`],
      ["Casebridge-Case-Number", input.case.number],
      ["Casebridge-Production-Id", input.productionId],
      ["Bates-Begin", natives ? produced[0]!.bates : ""],
      ["Bates-End", natives ? produced.at(-1)!.bates : ""],
      ["Produced-By", `${input.producer.name} (${input.producer.orgName})`],
      ["Produced-To", input.receivingParty],
      ["Legal-Hold", input.legalHold ? "yes" : "no"],
      ["Casebridge-Version", pkg.version],
      ["Load-File", `data/DATA/${name}.dat`],
      ["Load-File-Encoding", "UTF-8 with BOM, CRLF line ends"],
      ["Load-File-Column-Delimiter", codePoint(delimiters.column)],
      ["Load-File-Quote", codePoint(delimiters.quote)],
      ["Load-File-Newline", codePoint(delimiters.newline)],
      ["Payload-Oxum", payloadOxum(payload)],
    ]);
    const files = new Map<string, Buffer>([
      ["bagit.txt", Buffer.from(BAGIT_TXT)],
      ["bag-info.txt", Buffer.from(bagInfo)],
      ["manifest-sha256.txt", Buffer.from(manifestText(payload))],
      [
        "VERIFY.txt",
        Buffer.from(
          verifyCommands({ bag, loadFile: `data/DATA/${name}.dat`, delimiters, payloadFiles: payload.length }),
        ),
      ],
    ]);
    const tagDigests = [...files].map(([p, b]) => ({
      path: p,
      sha256: createHash("sha256").update(b).digest("hex"),
      size: b.length,
    }));
    files.set("tagmanifest-sha256.txt", Buffer.from(manifestText(tagDigests)));
    tags = files;
    return files;
  };
  for (const tag of ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "VERIFY.txt", "tagmanifest-sha256.txt"])
    zip.addReadStreamLazy(`${bag}/${tag}`, { mtime, compress: true }, (cb) =>
      cb(null, Readable.from([tagFiles().get(tag)!])),
    );
  zip.end();

  const staged = await store.stage(out, Number.MAX_SAFE_INTEGER);
  if (failure) {
    await staged.discard();
    throw failure;
  }
  return {
    staged,
    batesEnd: produced.length ? start + produced.length - 1 : null,
    bagName: bag,
    files: payload.length,
  };
}

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

async function* privilegeLog(withheld: TWithheld[]): AsyncGenerator<string> {
  yield BOM + csvLine(["ID", "DATE", "KIND", "AUTHOR_OR_CUSTODIAN", "BASIS", "DESCRIPTION"]) + CRLF;
  yield csv(withheld.map((w) => [w.id, iso(w.date), w.kind, w.author, w.basis, w.description]));
}
