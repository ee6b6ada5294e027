import "server-only";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";

export type TCaseListItem = {
  id: string;
  number: string;
  title: string;
  status: string;
  severity: string;
  tlp: string;
  ownerOrgName: string;
  updatedAt: Date;
  myRole: string | null;
};

/** Cases the actor is a member of, most recently updated first. */
export async function listCases(actor: TActor): Promise<TCaseListItem[]> {
  const rows = await getDb().case.findMany({
    where: { members: { some: { userId: actor.id } } },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: 50,
    select: {
      id: true,
      number: true,
      title: true,
      status: true,
      severity: true,
      tlp: true,
      updatedAt: true,
      ownerOrg: { select: { name: true } },
      members: { where: { userId: actor.id }, select: { role: true } },
    },
  });
  return rows.map(({ ownerOrg, members, ...row }) => ({
    ...row,
    ownerOrgName: ownerOrg.name,
    myRole: members[0]?.role ?? null,
  }));
}
