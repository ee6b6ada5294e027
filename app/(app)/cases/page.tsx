import type { Metadata } from "next";
import { CaseTable } from "@/components/cases/case-table";
import { requirePageUser } from "@/lib/auth/guards";
import { listCases } from "@/lib/cases/queries";

export const metadata: Metadata = { title: "Cases" };

export default async function CasesPage() {
  const user = await requirePageUser();
  const cases = await listCases(user);
  return (
    <>
      <div className="mb-6 flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Cases</h1>
          <p className="mt-1 text-sm text-slate-600">Investigations you are a member of.</p>
        </div>
      </div>
      <CaseTable cases={cases} />
    </>
  );
}
