import { Badge } from "@/components/ui/badge";
import type { TEntityKind, TLinkKind } from "@/lib/linkage/graph-types";
import { confidenceWord, LINK_RULES } from "@/lib/linkage/settings";

export const ENTITY_KIND_LABELS: Record<TEntityKind, string> = {
  ACCOUNT: "Account",
  API_KEY: "API key",
  ORG_ID: "Organisation or project id",
  EMAIL: "Email",
  IP: "IP address",
  NETWORK: "Network",
  ASN: "AS number",
  PAYMENT: "Payment instrument",
  DEVICE: "Device",
  DOMAIN: "Domain",
  PERSON: "Person or alias",
};

export const LINK_KIND_LABELS: Record<TLinkKind, string> = {
  USES_KEY: "Uses key",
  SHARES_PAYMENT: "Shares payment instrument",
  SHARES_IP: "Shares IP",
  SHARES_DEVICE: "Shares device",
  SAME_ORG_ID: "Same organisation id",
  SYNCHRONISED: "Synchronised activity",
  SAME_OWNER: "Same owner",
  CONTROLS: "Controls",
  OTHER: "Other",
};

/** "rule:shared_payment@1" as people read it; "manual" as "By hand". */
export function provenanceLabel(provenance: string): string {
  const match = /^rule:([a-z_]+)@(\d+)$/.exec(provenance);
  if (!match) return provenance === "manual" ? "By hand" : provenance;
  const rule = LINK_RULES[match[1] as keyof typeof LINK_RULES];
  return `${rule?.label ?? match[1]} (rule v${match[2]})`;
}

const TONE = { none: "slate", low: "slate", medium: "amber", high: "blue" } as const;

export function ConfidenceBadge({ confidence }: { confidence: number }) {
  const word = confidenceWord(confidence);
  return (
    <Badge tone={TONE[word]}>
      {word} · {confidence}
    </Badge>
  );
}

/** How each signal contributed to a confidence: one bar per contribution, negative ones in red. */
export function Contributions({ items }: { items: { label: string; points: number }[] }) {
  return (
    <ul className="space-y-1" aria-label="How the confidence was reached">
      {items.map((c, i) => (
        <li key={i} className="grid grid-cols-[1fr_6rem] items-center gap-2 text-xs text-slate-700">
          <span>{c.label}</span>
          <span className="flex items-center gap-1">
            <span
              aria-hidden
              className={`h-2 rounded ${c.points < 0 ? "bg-red-400" : "bg-blue-500"}`}
              style={{ width: `${Math.min(Math.abs(c.points), 100) * 0.6}px` }}
            />
            <span className="tabular-nums">
              {c.points > 0 ? "+" : ""}
              {c.points}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}
