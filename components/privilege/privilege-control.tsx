"use client";

import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { PRIVILEGE_BASIS_LABELS, PRIVILEGE_DESCRIPTION_MAX } from "@/lib/privilege/schemas";
import type { PrivilegeBasis } from "@/lib/generated/prisma/enums";

export type TPrivilegeState = {
  version: number;
  privileged: boolean;
  privilegeBasis: PrivilegeBasis | null;
  privilegeDescription: string | null;
};

const BASES = Object.keys(PRIVILEGE_BASIS_LABELS) as PrivilegeBasis[];

/**
 * Flag (or re-flag, or unflag) an item privileged: for a legal reviewer or lead of the item's
 * organisation (the server decides; this is shown only to them). Plain forms: every control is
 * reachable and usable from the keyboard.
 */
type TProps = {
  flag: TFormAction;
  unflag: TFormAction;
  itemType: "evidence" | "note" | "timeline_event";
  itemId: string;
  item: TPrivilegeState;
};

export function PrivilegeControl(props: TProps) {
  const { item } = props;
  return (
    <div className="space-y-3" key={item.version}>
      <p className="text-sm text-slate-600">
        {item.privileged
          ? "Privileged: only this organisation's legal reviewers and leads read it (and, under common interest, the partner's legal reviewers). Everyone else sees that it is withheld, with its date, kind and basis."
          : "Flag this item privileged to withhold its content from everyone but this organisation's legal reviewers and leads."}
      </p>
      <FlagForm {...props} />
      {item.privileged && <UnflagForm {...props} />}
    </div>
  );
}

function Hidden({ itemType, itemId, item }: Pick<TProps, "itemType" | "itemId" | "item">) {
  return (
    <>
      <input type="hidden" name="itemType" value={itemType} />
      <input type="hidden" name="itemId" value={itemId} />
      <input type="hidden" name="version" value={item.version} />
    </>
  );
}

function FlagForm({ flag, itemType, itemId, item }: TProps) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(flag);
  const v = { basis: item.privilegeBasis ?? "", description: item.privilegeDescription ?? "", ...refused };
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3" aria-label="Privilege flag">
      <Hidden itemType={itemType} itemId={itemId} item={item} />
      <Field name="basis" label="Basis" state={state}>
        {(p) => (
          <select {...p} defaultValue={v.basis} required>
            <option value="" disabled>
              Choose a basis…
            </option>
            {BASES.map((b) => (
              <option key={b} value={b}>
                {PRIVILEGE_BASIS_LABELS[b]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        name="description"
        label="Description for the privilege log"
        state={state}
        hint="Say what the item is, not what it says (e.g. “Memo from outside counsel on notice duties”)."
      >
        {(p) => (
          <textarea {...p} rows={2} defaultValue={v.description} required maxLength={PRIVILEGE_DESCRIPTION_MAX} />
        )}
      </Field>
      <FormMessage state={state} success="Saved." />
      <SubmitButton pending={pending}>{item.privileged ? "Save privilege" : "Flag privileged"}</SubmitButton>
    </form>
  );
}

function UnflagForm({ unflag, itemType, itemId, item }: TProps) {
  const { state, pending, formRef, onSubmit } = useActionForm(unflag);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Remove privilege flag" className="space-y-2">
      <Hidden itemType={itemType} itemId={itemId} item={item} />
      <FormMessage state={state} success="Flag removed." />
      <SubmitButton variant="secondary" pending={pending} pendingText="Removing…">
        Remove privilege flag
      </SubmitButton>
    </form>
  );
}
