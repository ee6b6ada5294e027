"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, type TFormAction } from "@/components/ui/form";

type Props = {
  shareAction: TFormAction;
  unshareAction: TFormAction;
  shared: { id: string; name: string }[];
  candidates: { id: string; name: string }[];
};

export function SharePanel({ shareAction, unshareAction, shared, candidates }: Props) {
  const [shareState, share] = useActionState(shareAction, { ok: false });
  const [unshareState, unshare] = useActionState(unshareAction, { ok: false });
  return (
    <div className="space-y-3">
      {shared.length > 0 && (
        <ul className="space-y-2">
          {shared.map((org) => (
            <li
              key={org.id}
              className="flex items-center justify-between rounded-md border border-slate-200 px-3 py-2 text-sm"
            >
              <span>{org.name}</span>
              <form action={unshare}>
                <input type="hidden" name="orgId" value={org.id} />
                <SubmitButton variant="secondary" pendingText="Removing…">
                  Stop sharing
                </SubmitButton>
              </form>
            </li>
          ))}
        </ul>
      )}
      <FormMessage state={unshareState} success="Sharing stopped; that organisation's members were removed." />
      {candidates.length > 0 ? (
        <form action={share} className="flex items-end gap-2">
          <label className="flex flex-col gap-1 text-sm">
            <span className="font-medium text-slate-700">Share with organisation</span>
            <select name="orgId" className="rounded-md border border-slate-300 px-2 py-1.5">
              {candidates.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <SubmitButton pendingText="Sharing…">Share</SubmitButton>
        </form>
      ) : (
        <p className="text-sm text-slate-500">Shared with every organisation there is.</p>
      )}
      <FormMessage state={shareState} success="Shared. You can now add its people as members." />
    </div>
  );
}
