import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

// BagIt (RFC 8493) tag files, written and read. Manifests use the `HASH  path` form (two
// spaces, paths relative to the bag root, LF line ends), which is exactly what GNU
// `sha256sum -c` reads, so a recipient checks a bag with stock tools.

export type TDigest = { path: string; sha256: string; md5?: string; size: number };

/** A payload or tag file's path as a manifest lists it: percent-encoding CR, LF and % (RFC 8493 §2.1.3). */
export function manifestPath(path: string): string {
  return path.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function manifestText(files: readonly TDigest[]): string {
  return [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${manifestPath(f.path)}\n`)
    .join("");
}

export const BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/** bag-info.txt: `Label: value` lines; values are one line each (line breaks become spaces). */
export function bagInfoText(fields: readonly [string, string][]): string {
  return fields.map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, " ")}\n`).join("");
}

/** Payload-Oxum: total payload octets "." number of payload files. */
export function payloadOxum(payload: readonly TDigest[]): string {
  return `${payload.reduce((s, f) => s + f.size, 0)}.${payload.length}`;
}

/** Parses a manifest's lines into path → digest; malformed lines are reported, not skipped. */
export function parseManifest(text: string): { entries: Map<string, string>; errors: string[] } {
  const entries = new Map<string, string>();
  const errors: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    const m = /^([0-9a-fA-F]{64})[ \t]+\*?(.+)$/.exec(line.replace(/\r$/, ""));
    if (!m) {
      errors.push(`line ${i + 1} is not "HASH  path"`);
      return;
    }
    const path = m[2]!.replace(/%0A/gi, "\n").replace(/%0D/gi, "\r").replace(/%25/g, "%");
    entries.set(path, m[1]!.toLowerCase());
  });
  return { entries, errors };
}

export function parseBagInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at > 0) out.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return out;
}

/**
 * A pass-through that hashes what flows by (SHA-256, and MD5 for the load file) and counts it;
 * `onEnd` runs with the digests before the stream ends, so it may fail the stream (a blob that
 * no longer matches its recorded hash).
 */
export function digestStream(onEnd: (d: { sha256: string; md5: string; size: number }) => void): Transform {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      sha.update(chunk);
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      try {
        onEnd({ sha256: sha.digest("hex"), md5: md5.digest("hex"), size });
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}
