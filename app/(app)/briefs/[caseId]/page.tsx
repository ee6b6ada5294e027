import type { Metadata } from "next";
import { BriefTextForm, EnforcementForm } from "@/components/summary/brief-forms";
import { BriefView } from "@/components/summary/brief-view";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getCaseBrief } from "@/lib/summary/brief";
import { enforcementFormOptions } from "@/lib/summary/enforcement";
import { recordEnforcementAction, saveBriefAction } from "./actions";

export const metadata: Metadata = { title: "Case brief" };

export default async function BriefPage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const brief = await orNotFound(getCaseBrief(user, caseId));
  const options = brief.canRecordEnforcement ? await enforcementFormOptions(user, brief.case.id) : null;
  return (
    <>
      <nav className="mb-3 flex flex-wrap gap-3 text-sm print:hidden" aria-label="Brief actions">
        <a href={`/api/briefs/${brief.case.id}/pdf`} className="text-brand-700 font-medium hover:underline" download>
          Download PDF (A4)
        </a>
        <a href={`/api/briefs/${brief.case.id}/pdf?size=letter`} className="text-brand-700 hover:underline" download>
          PDF (Letter)
        </a>
        {brief.level === "full" && (
          <a href={`/cases/${brief.case.id}`} className="text-brand-700 hover:underline">
            Open the case
          </a>
        )}
      </nav>
      <BriefView brief={brief} />
      {brief.canWrite && (
        <section
          aria-label="Write the brief"
          className="mt-8 rounded-lg border border-slate-200 bg-white p-4 print:hidden"
        >
          <h2 className="mb-2 font-semibold">Write the brief</h2>
          <BriefTextForm
            action={saveBriefAction.bind(null, brief.case.id)}
            version={brief.text?.version ?? 0}
            findings={brief.text?.findings ?? ""}
            nextSteps={brief.text?.nextSteps ?? ""}
          />
        </section>
      )}
      {options && (
        <section
          aria-label="Record enforcement"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-4 print:hidden"
        >
          <h2 className="mb-2 font-semibold">Record an enforcement action</h2>
          <EnforcementForm action={recordEnforcementAction.bind(null, brief.case.id)} options={options} />
        </section>
      )}
    </>
  );
}
