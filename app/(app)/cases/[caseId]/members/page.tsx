import type { Metadata } from "next";
import { MembersPanel } from "@/components/cases/members-panel";
import { orNotFound, requirePageUser } from "@/lib/page";
import { CASE_ROLES } from "@/lib/auth/permissions";
import { getCaseHeader, listCaseMembers, listMemberCandidates } from "@/lib/cases/queries";
import { addMemberAction, removeMemberAction } from "../actions";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const [header, members] = await orNotFound(Promise.all([getCaseHeader(user, caseId), listCaseMembers(user, caseId)]));
  const canManage = header.permissions.manageMembers;
  const candidates = canManage ? await listMemberCandidates(user, caseId) : [];
  return (
    <MembersPanel
      members={members}
      candidates={candidates}
      roles={CASE_ROLES}
      canManage={canManage}
      addAction={addMemberAction.bind(null, header.id)}
      removeAction={removeMemberAction.bind(null, header.id)}
    />
  );
}
