import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import Link from "next/link";
import { ENTITY_KIND_LABELS } from "@/components/linkage/labels";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ENTITY_KINDS } from "@/lib/linkage/graph-types";
import { listEntities } from "@/lib/linkage/queries";
import { orNotFound, requirePageUser } from "@/lib/page";

export const metadata: Metadata = { title: "Entities" };

type Props = {
  params: Promise<{ caseId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function EntitiesPage({ params, searchParams }: Props) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const query = await searchParams;
  const list = await orNotFound(listEntities(user, caseId, query));
  const q = typeof query.q === "string" ? query.q : "";
  const kind = typeof query.kind === "string" ? query.kind : "";
  const href = (page: number) => `?${new URLSearchParams({ q, kind, page: String(page) })}`;
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href={`/cases/${caseId}/linkages`} className="text-brand-700 hover:underline">
          ← Linkages
        </Link>
      </p>
      <form method="get" aria-label="Find entities" className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="entity-q" className="block text-sm font-medium text-slate-700">
            Value contains
          </label>
          <input
            id="entity-q"
            name="q"
            defaultValue={q}
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="entity-kind" className="block text-sm font-medium text-slate-700">
            Kind
          </label>
          <select
            id="entity-kind"
            name="kind"
            defaultValue={kind}
            className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
          >
            <option value="">Any kind</option>
            {ENTITY_KINDS.map((k) => (
              <option key={k} value={k}>
                {ENTITY_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit">Find</Button>
      </form>
      {list.items.length === 0 ? (
        <EmptyState title={q || kind ? "No entity matches" : "No entities yet"}>
          {q || kind
            ? "Try another value or kind."
            : "Entities come from usage imports, or are added on the Linkages tab."}
        </EmptyState>
      ) : (
        <DataTable caption="Entities" columns={["Value", "Kind", "Links"]}>
          {list.items.map((e) => (
            <tr key={e.id}>
              <td className="px-4 py-2">
                <Link
                  href={`/cases/${caseId}/linkages/entities/${e.id}`}
                  className="text-brand-700 font-mono text-xs hover:underline"
                >
                  {e.value}
                </Link>
                {e.mergedIntoId && <span className="ml-2 text-xs text-slate-500">(merged)</span>}
              </td>
              <td className="px-4 py-2 text-xs">{ENTITY_KIND_LABELS[e.kind]}</td>
              <td className="px-4 py-2 tabular-nums">{e.links}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label="Pagination" className="flex gap-2 text-sm">
        {list.page > 1 && (
          <Link href={href(list.page - 1)} rel="prev" className="rounded-md border border-slate-300 px-3 py-1.5">
            Previous
          </Link>
        )}
        {list.more && (
          <Link href={href(list.page + 1)} rel="next" className="rounded-md border border-slate-300 px-3 py-1.5">
            Next
          </Link>
        )}
      </nav>
    </div>
  );
}
