import type { TDelimiters } from "@/lib/productions/schemas";

// The Concordance load file (DATA/<production>.dat) and its CSV twin: UTF-8 with a BOM, CRLF
// line ends, a header row, one row per produced document sorted by Bates number. Every field is
// wrapped in the quote character; a line break inside a field becomes the newline character.

export const LOAD_FILE_COLUMNS = [
  "BEGBATES",
  "ENDBATES",
  "FILENAME",
  "FILEEXT",
  "FILESIZE",
  "NATIVEPATH",
  "SHA256HASH",
  "MD5HASH",
  "CUSTODIAN",
  "SOURCE_ORG",
  "COLLECTED_AT",
  "COLLECTED_BY",
  "EVIDENCE_ID",
  "TIMEZONE",
] as const;
export type TLoadFileRow = Record<(typeof LOAD_FILE_COLUMNS)[number], string>;

export const BOM = "\ufeff";
export const CRLF = "\r\n";

/** One DAT line (without its CRLF). A quote or delimiter inside a value cannot be escaped in
 * Concordance, so it is replaced by a space rather than corrupting the row. */
export function datLine(values: readonly string[], d: TDelimiters): string {
  return values
    .map((v) => {
      const clean = v
        .replace(/\r\n|\r|\n/g, d.newline)
        .split(d.quote)
        .join(" ")
        .split(d.column)
        .join(" ");
      return `${d.quote}${clean}${d.quote}`;
    })
    .join(d.column);
}

/** One CSV line (RFC 4180: every field quoted, quotes doubled). */
export function csvLine(values: readonly string[]): string {
  return values.map((v) => `"${v.replace(/"/g, '""')}"`).join(",");
}

export function rowValues(row: TLoadFileRow): string[] {
  return LOAD_FILE_COLUMNS.map((c) => row[c]);
}

/** Parses a DAT file's text (BOM stripped by the caller or here) back into rows of fields. */
export function parseDat(text: string, d: TDelimiters): string[][] {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const lines = body.split(CRLF);
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) =>
    line.split(d.column).map((field) => {
      if (!field.startsWith(d.quote) || !field.endsWith(d.quote) || field.length < 2)
        throw new Error(`A field is not wrapped in the quote character: ${JSON.stringify(field).slice(0, 60)}`);
      return field.slice(1, -1).split(d.newline).join("\n");
    }),
  );
}
