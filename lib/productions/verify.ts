import { createHash } from "node:crypto";
import yauzl from "yauzl";
import { parseBagInfo, parseManifest } from "@/lib/productions/bagit";
import { BOM, CRLF, LOAD_FILE_COLUMNS, parseDat } from "@/lib/productions/load-file";
import type { TDelimiters } from "@/lib/productions/schemas";

// The verifier of a production ZIP, used by `npm run export:verify` and the in-app upload. It
// reads the ZIP once, hashing every file as it streams, then checks the bag: every manifest
// line against the bytes, nothing missing, nothing extra, the tag manifest, Payload-Oxum, and
// the load file against the manifest row for row. Each difference names its file.

export type TProblem = { file: string; problem: string };
export type TVerifyReport = {
  ok: boolean;
  bag: string | null;
  payloadFiles: number;
  payloadBytes: number;
  zipSha256: string | null;
  problems: TProblem[];
};

/** Small text files the checks read in full; anything else is only hashed. */
const KEEP_TEXT = /^(bagit\.txt|bag-info\.txt|manifest-sha256\.txt|tagmanifest-sha256\.txt|data\/DATA\/[^/]+\.dat)$/;
const TEXT_MAX = 200 * 1024 * 1024;

type TEntry = { sha256: string; size: number; text?: string };

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    ),
  );
}

/** Every file of the ZIP, hashed (paths as stored). */
async function readZip(file: string): Promise<Map<string, TEntry>> {
  const zip = await openZip(file);
  const entries = new Map<string, TEntry>();
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", () => resolve());
    zip.on("entry", (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith("/")) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const hash = createHash("sha256");
        const keep = KEEP_TEXT.test(entry.fileName.replace(/^[^/]+\//, "")) && entry.uncompressedSize < TEXT_MAX;
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on("data", (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
          if (keep) chunks.push(chunk);
        });
        stream.on("error", reject);
        stream.on("end", () => {
          entries.set(entry.fileName, {
            sha256: hash.digest("hex"),
            size,
            ...(keep ? { text: Buffer.concat(chunks).toString("utf8") } : {}),
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

async function sha256File(file: string): Promise<string> {
  const { createReadStream } = await import("node:fs");
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const fromCodePoint = (v: string | undefined, fallback: string) => {
  const m = v ? /^U\+([0-9A-F]{4,6})$/i.exec(v) : null;
  return m ? String.fromCodePoint(parseInt(m[1]!, 16)) : fallback;
};

/** Verifies a production ZIP on disk. */
export async function verifyProductionZip(file: string): Promise<TVerifyReport> {
  const problems: TProblem[] = [];
  const report = (bag: string | null, payloadFiles = 0, payloadBytes = 0): TVerifyReport => ({
    ok: problems.length === 0,
    bag,
    payloadFiles,
    payloadBytes,
    zipSha256: null,
    problems,
  });
  let all: Map<string, TEntry>;
  try {
    all = await readZip(file);
  } catch (error) {
    // The reader's own words (central directory signatures) help no one choosing a file.
    console.warn("[verify] not a readable ZIP:", (error as Error).message);
    problems.push({ file: "(the file)", problem: "not a readable ZIP file: another kind of file, or a damaged ZIP" });
    return report(null);
  }
  const zipSha256 = await sha256File(file);
  const roots = new Set([...all.keys()].map((p) => p.split("/")[0]!));
  const bag = [...roots].find((r) => all.has(`${r}/bagit.txt`)) ?? null;
  if (!bag || roots.size !== 1) {
    for (const r of roots) if (r !== bag) problems.push({ file: r, problem: "extra: outside the bag" });
    if (!bag) {
      problems.push({ file: "bagit.txt", problem: "missing: the ZIP holds no BagIt bag" });
      return { ...report(null), zipSha256 };
    }
  }
  const files = new Map<string, TEntry>();
  for (const [p, e] of all) if (p.startsWith(`${bag}/`)) files.set(p.slice(bag.length + 1), e);

  const check = (manifestName: string, isListed: (p: string) => boolean) => {
    const manifest = files.get(manifestName);
    if (!manifest?.text) {
      problems.push({ file: manifestName, problem: "missing" });
      return new Map<string, string>();
    }
    const { entries, errors } = parseManifest(manifest.text);
    for (const e of errors) problems.push({ file: manifestName, problem: e });
    for (const [p, digest] of entries) {
      const f = files.get(p);
      if (!f) problems.push({ file: p, problem: `missing: listed in ${manifestName}` });
      else if (f.sha256 !== digest)
        problems.push({
          file: p,
          problem: `digest differs: ${manifestName} says ${digest}, the file hashes to ${f.sha256}`,
        });
    }
    for (const p of files.keys())
      if (isListed(p) && !entries.has(p)) problems.push({ file: p, problem: `extra: not listed in ${manifestName}` });
    return entries;
  };
  const tagManifest = "tagmanifest-sha256.txt";
  check(tagManifest, (p) => !p.startsWith("data/") && p !== tagManifest);
  const manifest = check("manifest-sha256.txt", (p) => p.startsWith("data/"));

  if (files.get("bagit.txt")?.text && !/^BagIt-Version: 1\.0$/m.test(files.get("bagit.txt")!.text!))
    problems.push({ file: "bagit.txt", problem: "does not declare BagIt-Version: 1.0" });
  const info = parseBagInfo(files.get("bag-info.txt")?.text ?? "");
  if (!files.has("bag-info.txt")) problems.push({ file: "bag-info.txt", problem: "missing" });
  const payload = [...files].filter(([p]) => p.startsWith("data/"));
  const oxum = `${payload.reduce((s, [, f]) => s + f.size, 0)}.${payload.length}`;
  if (files.has("bag-info.txt") && info.get("Payload-Oxum") !== oxum)
    problems.push({
      file: "bag-info.txt",
      problem: `Payload-Oxum says ${info.get("Payload-Oxum") ?? "nothing"}, the payload is ${oxum}`,
    });

  checkLoadFile(files, info, manifest, problems);
  return {
    ok: problems.length === 0,
    bag,
    payloadFiles: payload.length,
    payloadBytes: payload.reduce((s, [, f]) => s + f.size, 0),
    zipSha256,
    problems,
  };
}

function checkLoadFile(
  files: Map<string, TEntry>,
  info: Map<string, string>,
  manifest: Map<string, string>,
  problems: TProblem[],
): void {
  const name = info.get("Load-File");
  const dat = name ? files.get(name) : undefined;
  if (!name || !dat?.text) {
    problems.push({
      file: name ?? "bag-info.txt",
      problem: "the load file named by bag-info.txt (Load-File) is missing",
    });
    return;
  }
  const d: TDelimiters = {
    column: fromCodePoint(info.get("Load-File-Column-Delimiter"), "\u0014"),
    quote: fromCodePoint(info.get("Load-File-Quote"), "\u00fe"),
    newline: fromCodePoint(info.get("Load-File-Newline"), "\u00ae"),
  };
  if (!dat.text.startsWith(BOM)) problems.push({ file: name, problem: "has no UTF-8 byte-order mark" });
  if (/(^|[^\r])\n/.test(dat.text)) problems.push({ file: name, problem: "has a line end that is not CRLF" });
  if (!dat.text.endsWith(CRLF)) problems.push({ file: name, problem: "does not end with CRLF" });
  let rows: string[][];
  try {
    rows = parseDat(dat.text, d);
  } catch (error) {
    problems.push({ file: name, problem: (error as Error).message });
    return;
  }
  const [header, ...body] = rows;
  if (header?.join(",") !== LOAD_FILE_COLUMNS.join(","))
    problems.push({ file: name, problem: `header is not ${LOAD_FILE_COLUMNS.join(", ")}` });
  const pathAt = LOAD_FILE_COLUMNS.indexOf("NATIVEPATH");
  const shaAt = LOAD_FILE_COLUMNS.indexOf("SHA256HASH");
  const batesAt = LOAD_FILE_COLUMNS.indexOf("BEGBATES");
  const natives = [...manifest.keys()].filter((p) => p.startsWith("data/NATIVES/")).sort();
  const listed = new Set(body.map((r) => `data/${r[pathAt]}`));
  body.forEach((r, i) => {
    if (r.length !== LOAD_FILE_COLUMNS.length)
      problems.push({ file: name, problem: `row ${i + 2} has ${r.length} fields` });
    if (manifest.get(`data/${r[pathAt]}`) !== r[shaAt])
      problems.push({
        file: name,
        problem: `row ${i + 2} (${r[batesAt]}): SHA256HASH does not match manifest-sha256.txt`,
      });
    if (i > 0 && !(body[i - 1]![batesAt]! < r[batesAt]!))
      problems.push({ file: name, problem: `row ${i + 2} (${r[batesAt]}) is not in Bates order` });
  });
  for (const p of natives)
    if (!listed.has(p)) problems.push({ file: p, problem: `in the manifest but not in the load file ${name}` });
}
