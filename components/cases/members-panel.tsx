"use client";

import { useActionState, useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { ConfirmStep } from "@/components/ui/confirm-step";
import { humanise } from "@/components/cases/case-badges";
import { FormMessage, SubmitButton, type TFormAction } from "@/components/ui/form";
import { canHoldCaseRole } from "@/lib/auth/permissions";
import type { CaseRole, GlobalRole } from "@/lib/generated/prisma/enums";

type TMember = { userId: string; name: string; email: string; orgName: string; role: string; canManage: boolean };
type TCandidate = { id: string; name: string; email: string; role: string; org: { name: string } };

const SELECT = "max-w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/** Removing asks a second time, inline (ConfirmStep), as deleting an event does. */
function RemoveMember({ member, action }: { member: TMember; action: TFormAction }) {
  const [state, remove] = useActionState(action, { ok: false });
  return (
    <form action={remove} aria-label={`Remove ${member.name}`}>
      <input type="hidden" name="userId" value={member.userId} />
      <ConfirmStep
        ask="Remove…"
        askVariant="secondary"
        question={`Remove ${member.name} from the case?`}
        confirm="Remove"
        pendingText="Removing…"
      />
      <FormMessage state={state} />
    </form>
  );
}

function MemberRow({
  member,
  roles,
  changeAction,
  removeAction,
}: {
  member: TMember;
  roles: readonly string[];
  changeAction: TFormAction;
  removeAction: TFormAction;
}) {
  const [changeState, change] = useActionState(changeAction, { ok: false });
  return (
    <tr className="align-top">
      <td className="px-4 py-3">
        <div className="font-medium">{member.name}</div>
        <div className="text-xs break-all text-slate-500">{member.email}</div>
        <div className="text-xs text-slate-600">{member.orgName}</div>
      </td>
      <td className="px-4 py-3">
        {member.canManage ? (
          <div className="flex flex-col gap-2">
            <form action={change} className="flex flex-wrap items-center gap-2">
              <input type="hidden" name="userId" value={member.userId} />
              <select
                name="role"
                defaultValue={member.role}
                aria-label={`Case role of ${member.name}`}
                className={SELECT}
              >
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {humanise(r)}
                  </option>
                ))}
              </select>
              <SubmitButton variant="secondary" pendingText="…">
                Change
              </SubmitButton>
            </form>
            <FormMessage state={changeState} />
            <RemoveMember member={member} action={removeAction} />
          </div>
        ) : (
          humanise(member.role)
        )}
      </td>
    </tr>
  );
}

type Props = {
  members: TMember[];
  candidates: TCandidate[];
  roles: readonly string[];
  canManage: boolean;
  addAction: TFormAction;
  removeAction: TFormAction;
};

// Two columns, controls wrapping under each other, so the tab fits a 390 px phone without
// scrolling sideways. Controls show only on the rows the viewer may manage.
export function MembersPanel({ members, candidates, roles, canManage, addAction, removeAction }: Props) {
  const [addState, add] = useActionState(addAction, { ok: false });
  // Only the case roles the chosen person's global role may hold (an executive: viewer).
  const [personId, setPersonId] = useState(candidates[0]?.id);
  const person = candidates.find((c) => c.id === personId) ?? candidates[0];
  const holdable = person ? roles.filter((r) => canHoldCaseRole(person.role as GlobalRole, r as CaseRole)) : roles;
  return (
    <div className="space-y-6">
      <DataTable caption="Case members" columns={["Member", "Case role"]}>
        {members.map((m) => (
          <MemberRow key={m.userId} member={m} roles={roles} changeAction={addAction} removeAction={removeAction} />
        ))}
      </DataTable>
      {canManage && (
        <form
          action={add}
          className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        >
          <h2 className="w-full font-semibold">Add a member</h2>
          {candidates.length === 0 ? (
            <p className="text-sm text-slate-600">
              Everyone you may add is already a member. Admins and partner leads add people of their own organisation;
              the owner&apos;s leads add people of every organisation the case is shared with.
            </p>
          ) : (
            <>
              <label className="flex w-full flex-col gap-1 text-sm sm:w-auto">
                <span className="font-medium text-slate-700">Person</span>
                <select
                  name="userId"
                  value={person?.id}
                  onChange={(e) => setPersonId(e.target.value)}
                  className={SELECT}
                >
                  {candidates.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name} — {c.org.name} ({humanise(c.role)})
                    </option>
                  ))}
                </select>
              </label>
              <label className="flex flex-col gap-1 text-sm">
                <span className="font-medium text-slate-700">Case role</span>
                <select
                  key={person?.id}
                  name="role"
                  defaultValue={holdable.includes("INVESTIGATOR") ? "INVESTIGATOR" : holdable[0]}
                  className={SELECT}
                >
                  {holdable.map((r) => (
                    <option key={r} value={r}>
                      {humanise(r)}
                    </option>
                  ))}
                </select>
              </label>
              <SubmitButton pendingText="Adding…">Add member</SubmitButton>
            </>
          )}
          <div className="w-full">
            <FormMessage state={addState} success="Member added." />
          </div>
        </form>
      )}
    </div>
  );
}
