"use client";

import { useActionState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { humanise } from "@/components/cases/case-badges";
import { FormMessage, SubmitButton, type TFormAction } from "@/components/ui/form";

type TMember = { userId: string; name: string; email: string; orgName: string; role: string };
type TCandidate = { id: string; name: string; email: string; role: string; org: { name: string } };

function MemberRow({
  member,
  roles,
  changeAction,
  removeAction,
  canManage,
}: {
  member: TMember;
  roles: readonly string[];
  changeAction: TFormAction;
  removeAction: TFormAction;
  canManage: boolean;
}) {
  const [changeState, change] = useActionState(changeAction, { ok: false });
  const [removeState, remove] = useActionState(removeAction, { ok: false });
  return (
    <tr>
      <td className="px-4 py-3">
        <div className="font-medium">{member.name}</div>
        <div className="text-xs text-slate-500">{member.email}</div>
      </td>
      <td className="px-4 py-3 text-slate-700">{member.orgName}</td>
      <td className="px-4 py-3">
        {canManage ? (
          <form action={change} className="flex items-center gap-2">
            <input type="hidden" name="userId" value={member.userId} />
            <select
              name="role"
              defaultValue={member.role}
              aria-label={`Case role of ${member.name}`}
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
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
        ) : (
          humanise(member.role)
        )}
        <FormMessage state={changeState} />
      </td>
      {canManage && (
        <td className="px-4 py-3 text-right">
          <form action={remove}>
            <input type="hidden" name="userId" value={member.userId} />
            <SubmitButton variant="secondary" pendingText="Removing…">
              Remove
            </SubmitButton>
          </form>
          <FormMessage state={removeState} />
        </td>
      )}
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

export function MembersPanel({ members, candidates, roles, canManage, addAction, removeAction }: Props) {
  const [addState, add] = useActionState(addAction, { ok: false });
  return (
    <div className="space-y-6">
      <DataTable
        caption="Case members"
        columns={["Member", "Organisation", "Case role", canManage && <span className="sr-only">Actions</span>]}
      >
        {members.map((m) => (
          <MemberRow
            key={m.userId}
            member={m}
            roles={roles}
            changeAction={addAction}
            removeAction={removeAction}
            canManage={canManage}
          />
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
              Everyone in the case&apos;s organisations is already a member. Share the case with another organisation to
              add its people.
            </p>
          ) : (
            <>
              <label className="flex flex-col gap-1 text-sm">
                <span className="font-medium text-slate-700">Person</span>
                <select name="userId" className="rounded-md border border-slate-300 px-2 py-1.5">
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
                  name="role"
                  defaultValue="INVESTIGATOR"
                  className="rounded-md border border-slate-300 px-2 py-1.5"
                >
                  {roles.map((r) => (
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
