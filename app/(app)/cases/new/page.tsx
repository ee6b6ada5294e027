import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CaseForm } from "@/components/cases/case-form";
import { requirePageUser } from "@/lib/page";
import { can } from "@/lib/auth/permissions";
import { RELEASE_MODES, SEVERITIES, TLPS } from "@/lib/cases/schemas";
import { createCaseAction } from "./actions";

export const metadata: Metadata = { title: "New case" };

export default async function NewCasePage() {
  const user = await requirePageUser();
  if (!can(user, "case.create")) notFound();
  return (
    <div className="max-w-3xl">
      <h1 className="mb-1 text-2xl font-semibold tracking-tight">New case</h1>
      <p className="mb-6 text-sm text-slate-600">
        You become its lead. {user.orgName} owns it; share it with a partner afterwards.
      </p>
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <CaseForm
          action={createCaseAction}
          values={{ title: "", summary: "", severity: "MEDIUM", tlp: "AMBER", releaseMode: "DIRECT" }}
          severities={SEVERITIES}
          tlps={TLPS}
          releaseModes={RELEASE_MODES}
          submitLabel="Open case"
        />
      </div>
    </div>
  );
}
