import { Badge } from "@/components/ui/badge";
import { EVIDENCE_KIND_LABELS } from "@/lib/evidence/schemas";

export function KindBadge({ kind }: { kind: string }) {
  return <Badge tone="blue">{EVIDENCE_KIND_LABELS[kind as keyof typeof EVIDENCE_KIND_LABELS] ?? kind}</Badge>;
}

const INTEGRITY = {
  UNVERIFIED: { tone: "slate", label: "Not yet verified" },
  INTACT: { tone: "green", label: "Intact" },
  MISMATCH: { tone: "red", label: "Hash mismatch" },
  MISSING: { tone: "red", label: "File missing" },
} as const;

export function IntegrityBadge({ integrity }: { integrity: string }) {
  const i = INTEGRITY[integrity as keyof typeof INTEGRITY] ?? INTEGRITY.UNVERIFIED;
  return <Badge tone={i.tone}>{i.label}</Badge>;
}
