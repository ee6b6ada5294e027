import { ValidationError } from "@/lib/errors";

// Magic bytes of the binary formats evidence commonly comes in. The declared type (from the
// uploader's browser or client) must agree with the content, so that a preview or a reviewer
// is never misled about what a file is (e.g. HTML declared as a PNG).
const SIGNATURES: { mime: string; label: string; test: (b: Buffer) => boolean }[] = [
  {
    mime: "image/png",
    label: "a PNG image",
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { mime: "image/jpeg", label: "a JPEG image", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    mime: "image/gif",
    label: "a GIF image",
    test: (b) => b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a",
  },
  {
    mime: "image/webp",
    label: "a WebP image",
    test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  },
  { mime: "application/pdf", label: "a PDF document", test: (b) => b.subarray(0, 5).toString("latin1") === "%PDF-" },
  {
    mime: "application/zip",
    label: "a ZIP archive",
    test: (b) => b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5 || b[2] === 7),
  },
  { mime: "application/gzip", label: "a gzip archive", test: (b) => b[0] === 0x1f && b[1] === 0x8b },
  {
    mime: "application/vnd.tcpdump.pcap",
    label: "a packet capture",
    test: (b) =>
      ["a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1", "0a0d0d0a"].includes(b.subarray(0, 4).toString("hex")),
  },
];

// Declared types that are containers of another sniffed format (OOXML/ODF are ZIP files, …).
const FAMILY: Record<string, string> = {
  "application/x-zip-compressed": "application/zip",
  "application/x-gzip": "application/gzip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "application/zip",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "application/zip",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "application/zip",
  "application/vnd.oasis.opendocument.text": "application/zip",
  "application/vnd.oasis.opendocument.spreadsheet": "application/zip",
  "application/java-archive": "application/zip",
  "application/x-pcapng": "application/vnd.tcpdump.pcap",
  "application/vnd.tcpdump.pcap": "application/vnd.tcpdump.pcap",
  "image/jpg": "image/jpeg",
};

export const TEXT_PREVIEW_TYPES = new Set([
  "text/plain",
  "text/csv",
  "application/json",
  "text/markdown",
  "application/x-ndjson",
  "text/tab-separated-values",
]);
const TEXT_TYPES = new Set([...TEXT_PREVIEW_TYPES, "message/rfc822"]); // text that must not hold NUL bytes

function sniff(head: Buffer) {
  return SIGNATURES.find((s) => s.test(head)) ?? null;
}

/** What a file's first bytes say it is ("a PNG image"), if one of the known binary formats. */
export function sniffedFormat(head: Buffer): string | null {
  return sniff(head)?.label ?? null;
}

/**
 * Checks the declared type against the first bytes of the content and returns the type to
 * store. Unknown declared types are accepted as long as the content is not a recognisably
 * different format; text types must look like text. Throws ValidationError on a mismatch.
 */
export function checkDeclaredType(declared: string, head: Buffer): string {
  const found = sniff(head);
  if (declared === "application/octet-stream") return found?.mime ?? declared;
  const family = FAMILY[declared] ?? declared;
  const known = SIGNATURES.find((s) => s.mime === family);
  const mismatch = (what: string) =>
    new ValidationError(
      `The file was declared as ${declared}, but its content is ${what}. Check that you picked the right file; nothing was stored.`,
      { file: ["The declared type does not match the content."] },
    );
  if (known && found?.mime !== known.mime) throw mismatch(found?.label ?? "not in that format");
  if (!known && found) throw mismatch(found.label);
  if (TEXT_TYPES.has(declared) && head.includes(0)) throw mismatch("binary data");
  return declared;
}

/** Types shown inline as an image: raster formats only (SVG can carry script: never inline). */
export const IMAGE_PREVIEW_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
