import type { Metadata } from "next";
import { ProductionProgress } from "@/components/productions/production-progress";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getProduction } from "@/lib/productions/queries";

export const metadata: Metadata = { title: "Export" };

export default async function ProductionPage({
  params,
}: {
  params: Promise<{ caseId: string; productionId: string }>;
}) {
  const user = await requirePageUser();
  const { caseId, productionId } = await params;
  const production = await orNotFound(getProduction(user, caseId, productionId));
  return <ProductionProgress caseId={caseId} production={production} />;
}
