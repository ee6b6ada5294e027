import type { TDelimiters } from "@/lib/productions/schemas";

// VERIFY.txt: what a recipient runs, with stock tools, to check what they received.

export function verifyCommands(p: {
  bag: string;
  loadFile: string;
  delimiters: TDelimiters;
  payloadFiles: number;
}): string {
  const hex = (c: string) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return [
    "How to verify this production",
    "=============================",
    "",
    "1. The ZIP file itself. Compare its SHA-256 with the value the producer gave you",
    "   (Casebridge lists it with the production):",
    "",
    "     sha256sum <the-zip-file>.zip",
    "",
    "2. The bag (BagIt, RFC 8493). Unzip, then check both manifests from the bag's root folder;",
    '   every line must say "OK" and the commands must exit with status 0:',
    "",
    "     unzip <the-zip-file>.zip",
    `     cd ${p.bag}`,
    "     sha256sum -c tagmanifest-sha256.txt",
    "     sha256sum -c manifest-sha256.txt",
    "",
    "   Nothing may be missing or extra: the payload must hold exactly the files the manifest lists",
    `   (${p.payloadFiles} files; bag-info.txt's Payload-Oxum gives octets.files):`,
    "",
    "     find data -type f | sort > /tmp/present.txt",
    "     cut -c67- manifest-sha256.txt | sort > /tmp/listed.txt",
    "     diff /tmp/listed.txt /tmp/present.txt && echo 'payload complete'",
    "",
    "   Or, with the Library of Congress bagit tool: bagit.py --validate .",
    "",
    "3. The load file. UTF-8 with a byte-order mark, CRLF line ends, one header row and one row per",
    `   native, fields delimited by U+${hex(p.delimiters.column)}, quoted with U+${hex(p.delimiters.quote)}, line breaks inside a field`,
    `   written as U+${hex(p.delimiters.newline)}. Its NATIVEPATH and SHA256HASH columns match manifest-sha256.txt row for`,
    "   row; this prints any native whose manifest line differs from the load file:",
    "",
    `     python3 -c "import csv,sys; r=list(csv.reader(open('${p.loadFile.replace(/\.dat$/, ".csv")}',encoding='utf-8-sig')));` +
      ` h=r[0]; m=dict((l[66:].rstrip(chr(10)),l[:64]) for l in open('manifest-sha256.txt'));` +
      ` bad=[x for x in r[1:] if m.get('data/'+x[h.index('NATIVEPATH')])!=x[h.index('SHA256HASH')]];` +
      ` print('load file matches manifest' if not bad else bad); sys.exit(1 if bad else 0)"`,
    "",
    "4. With Casebridge: npm run export:verify -- <the-zip-file>.zip",
    "   (or Exports > Verify a production in the app) checks all of the above at once.",
    "",
  ].join("\n");
}
