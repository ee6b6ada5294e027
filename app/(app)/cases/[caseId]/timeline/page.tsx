import type { Metadata } from "next";
import { NotYetAvailable } from "@/components/cases/coming-soon";
import { requireCaseAccess } from "@/lib/auth/guards";
import { orNotFound, requirePageUser } from "@/lib/page";

export const metadata: Metadata = { title: "Timeline" };

export default async function TimelinePage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser();
  await orNotFound(requireCaseAccess(user, (await params).caseId, "case.read"));
  return <NotYetAvailable what="The shared timeline" />;
}
