import { Badge, type TBadgeTone } from "@/components/ui/badge";

const SEVERITY_TONE: Record<string, TBadgeTone> = { LOW: "slate", MEDIUM: "amber", HIGH: "orange", CRITICAL: "red" };
const STATUS_TONE: Record<string, TBadgeTone> = { OPEN: "blue", ACTIVE: "green", ON_HOLD: "amber", CLOSED: "slate" };
const TLP_TONE: Record<string, TBadgeTone> = {
  CLEAR: "slate",
  GREEN: "green",
  AMBER: "amber",
  AMBER_STRICT: "amber",
  RED: "red",
};

/** An enum value or a key in words: "OWNER_ORG_ONLY" → "Owner org only", "evidenceId" → "Evidence id". */
export function humanise(value: string): string {
  const spaced = value.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase().replace(/_/g, " ");
}

export function SeverityBadge({ severity }: { severity: string }) {
  return <Badge tone={SEVERITY_TONE[severity]}>{humanise(severity)}</Badge>;
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status]}>{humanise(status)}</Badge>;
}

export function TlpBadge({ tlp }: { tlp: string }) {
  return <Badge tone={TLP_TONE[tlp]}>TLP:{tlp.replace("_", "+")}</Badge>;
}
