import "server-only";
import { getDb, Prisma } from "@/lib/db";

// What the signal rules share: the scope every query is held to (one case, the imports a
// viewer may see), number reading, and the accounts tied to one actor.

/**
 * The imports a viewer may see, and the account groups its accepted links cluster (each as the
 * spellings its accounts have in those imports; lib/linkage/store.ts#linkedAccountGroups).
 */
export type TSignalScope = { caseId: string; importIds: string[]; linked?: string[][] };

export const scopeSql = (s: TSignalScope, alias = "") =>
  Prisma.sql`${Prisma.raw(alias)}"caseId" = ${s.caseId}::uuid AND ${Prisma.raw(alias)}"importId" = ANY(${s.importIds}::uuid[])`;

export const num = (v: unknown) => Number(v ?? 0);
export const hours = (ms: number) => Math.round(ms / 3_600_000);

/** Groups of accounts joined by shared values (union–find over the ties). */
export function groupsOf(ties: { accounts: string[] }[]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const { accounts } of ties) {
    for (const a of accounts) if (!parent.has(a)) parent.set(a, a);
    for (const a of accounts.slice(1)) parent.set(find(a), find(accounts[0]!));
  }
  const groups = new Map<string, string[]>();
  for (const a of parent.keys()) groups.set(find(a), [...(groups.get(find(a)) ?? []), a]);
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort());
}

/**
 * What ties accounts to one actor: a shared payment instrument or device. Addresses do not (a
 * NAT or VPN carries many unrelated accounts), so they are never ties.
 */
export async function accountTies(s: TSignalScope) {
  const shared = await getDb().$queryRaw<{ kind: string; value: string; accounts: string[] }[]>`
    SELECT kind::text, value, array_agg(DISTINCT "accountId" ORDER BY "accountId") AS accounts FROM "UsageAttribute"
    WHERE ${scopeSql(s)} AND kind IN ('PAYMENT', 'DEVICE') GROUP BY 1, 2 HAVING count(DISTINCT "accountId") > 1`;
  const linked = (s.linked ?? [])
    .filter((accounts) => accounts.length > 1)
    .map((accounts) => ({ kind: "LINKED_CLUSTER", value: accounts[0]!, accounts: [...accounts].sort() }));
  return [...shared, ...linked];
}

/** How a tie reads in a sentence. */
export const TIE_WORDS: Record<string, string> = {
  PAYMENT: "a payment instrument",
  DEVICE: "a device",
  LINKED_CLUSTER: "a linked cluster",
};
