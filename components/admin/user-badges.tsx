import { Badge } from "@/components/ui/badge";

export function roleLabel(role: string): string {
  return role.charAt(0) + role.slice(1).toLowerCase();
}

export function RoleBadge({ role }: { role: string }) {
  return <Badge tone={role === "ADMIN" ? "blue" : "slate"}>{roleLabel(role)}</Badge>;
}

export function UserStatusBadge({ disabledAt }: { disabledAt: Date | null }) {
  return disabledAt ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>;
}
