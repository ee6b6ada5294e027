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

export function humanise(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");
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
