import Link from "next/link";
import type { TUsageImportRow } from "@/lib/usage/imports";

/**
 * Where a usage row came from: its evidence file and line, linked to the evidence item showing
 * that line beside the file's SHA-256 (a JSON page export cites its bucket instead).
 */
export function SourceLink({
  caseId,
  imports,
  importId,
  line,
}: {
  caseId: string;
  imports: Map<string, TUsageImportRow>;
  importId: string;
  line: number;
}) {
  const source = imports.get(importId);
  const where = `${source?.citesLines === false ? "bucket" : "line"} ${line.toLocaleString("en")}`;
  if (!source?.evidenceId) return <span>{where}</span>;
  return (
    <Link
      className="text-brand-700 underline"
      href={`/cases/${caseId}/evidence/${source.evidenceId}${source.citesLines ? `?line=${line}` : ""}`}
    >
      {source.fileName}, {where}
    </Link>
  );
}
