import { Badge } from "@/components/ui/badge";
import { EVIDENCE_KIND_LABELS } from "@/lib/evidence/schemas";
import type { PrivilegeBasis } from "@/lib/generated/prisma/enums";
import { PRIVILEGE_BASIS_LABELS } from "@/lib/privilege/schemas";
import { utcLabel } from "@/lib/utc";

/** The kind as a reader sees it in a stub. */
export function withheldKindLabel(kind: string): string {
  if (kind === "note") return "Note";
  if (kind === "timeline_event") return "Timeline event";
  return EVIDENCE_KIND_LABELS[kind as keyof typeof EVIDENCE_KIND_LABELS] ?? kind;
}

/** "Withheld — privileged (Work product)": the whole of what a stub says besides id, date and kind. */
export function withheldLabel(basis: PrivilegeBasis): string {
  return `Withheld — privileged (${PRIVILEGE_BASIS_LABELS[basis]})`;
}

export function WithheldBadge({ basis }: { basis: PrivilegeBasis }) {
  return <Badge tone="orange">{withheldLabel(basis)}</Badge>;
}

/** A privileged item's badge for those who read it. */
export function PrivilegedBadge({ basis }: { basis: PrivilegeBasis | null }) {
  return <Badge tone="orange">Privileged{basis ? ` · ${PRIVILEGE_BASIS_LABELS[basis]}` : ""}</Badge>;
}

/** The body of a withheld item wherever its content would be: a list row, a note, an item page. */
export function WithheldStub({
  stub,
}: {
  stub: { id: string; date: Date | string; kind: string; basis: PrivilegeBasis };
}) {
  const date = new Date(stub.date);
  return (
    <div className="rounded-md border border-orange-200 bg-orange-50 px-4 py-3 text-sm text-orange-950">
      <p className="font-medium">{withheldLabel(stub.basis)}</p>
      <p className="mt-1 text-orange-900">
        {withheldKindLabel(stub.kind)} of <time dateTime={date.toISOString()}>{utcLabel(date)}</time>. Its content is
        for the owning organisation&apos;s legal reviewers and leads only.
      </p>
      <p className="mt-1 font-mono text-xs text-orange-800">ID {stub.id}</p>
    </div>
  );
}
