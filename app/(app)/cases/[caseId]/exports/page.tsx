import type { Metadata } from "next";
import { ProductionForm } from "@/components/productions/production-form";
import { ProductionList } from "@/components/productions/production-list";
import { VerifyUpload } from "@/components/productions/verify-upload";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getExportForm, listProductions } from "@/lib/productions/queries";
import { deleteProductionAction, startProductionAction } from "./actions";

export const metadata: Metadata = { title: "Exports" };

export default async function ExportsPage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const list = await orNotFound(listProductions(user, caseId));
  const form = await getExportForm(user, caseId);
  const remove = Object.fromEntries(
    list.productions.map((p) => [p.id, deleteProductionAction.bind(null, caseId, p.id)]),
  );
  return (
    <div className="space-y-6">
      <ProductionList caseId={caseId} list={list} remove={remove} />
      <ProductionForm action={startProductionAction.bind(null, caseId)} form={form} />
      <VerifyUpload caseId={caseId} />
    </div>
  );
}
