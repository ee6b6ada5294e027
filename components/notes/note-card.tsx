"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import type { TNoteView } from "@/lib/notes/queries";
import { FormMessage, SubmitButton, useActionForm, type TFormAction, type TFormState } from "@/components/ui/form";
import { ItemRelease, ReleaseBadge, type TReleaseActions } from "@/components/releases/item-release";
import { PrivilegedBadge } from "@/components/privilege/withheld";
import { utcLabel } from "@/lib/utc";

/** A note as the card shows it: the lib view with its times made strings for the client. */
export type TNoteCard = Omit<TNoteView, "createdAt" | "updatedAt"> & { createdAt: string; edited: boolean };

type Props = {
  note: TNoteCard;
  rendered: React.ReactNode;
  direct: boolean;
  actions: { update: TFormAction; remove: TFormAction } & TReleaseActions;
  /** The privilege control, for those who may flag the note (rendered by the page). */
  privilege?: React.ReactNode;
};

export function NoteCard({ note, rendered, direct, actions, privilege }: Props) {
  const [editing, setEditing] = useState(false);
  const {
    state: updateState,
    pending: updating,
    formRef: updateForm,
    onSubmit: submitUpdate,
  } = useActionForm(async (s: TFormState, f: FormData) => {
    const result = await actions.update(s, f);
    if (result.ok) setEditing(false);
    return result;
  });
  const [removeState, remove] = useActionState(actions.remove, { ok: false });
  return (
    <article
      aria-label={`Note by ${note.authorName}`}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <header className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <span className="font-medium text-slate-800">{note.authorName}</span>
        <span>{note.orgName}</span>
        <time dateTime={note.createdAt}>{utcLabel(note.createdAt)}</time>
        {note.edited && <span>(edited)</span>}
        <ReleaseBadge state={note.releaseState} orgName={note.orgName} />
        {note.privileged && <PrivilegedBadge basis={note.privilegeBasis} />}
      </header>
      {editing ? (
        <form ref={updateForm} onSubmit={submitUpdate} className="space-y-2">
          <input type="hidden" name="noteId" value={note.id} />
          <input type="hidden" name="version" value={note.version} />
          <label htmlFor={`edit-${note.id}`} className="sr-only">
            Edit note
          </label>
          <textarea
            id={`edit-${note.id}`}
            name="body"
            defaultValue={note.body}
            rows={5}
            className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          {direct && (
            <select
              name="visibility"
              defaultValue={note.visibility}
              aria-label="Who can see it"
              className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            >
              <option value="ALL_CASE_ORGS">Every organisation on the case</option>
              <option value="OWNER_ORG_ONLY">{note.orgName} only</option>
            </select>
          )}
          <FormMessage state={updateState} />
          <div className="flex gap-2">
            <SubmitButton pending={updating}>Save note</SubmitButton>
            <Button variant="secondary" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        rendered
      )}
      {!editing && (
        <div className="mt-3 flex flex-wrap gap-2">
          {note.can.edit && (
            <Button variant="secondary" onClick={() => setEditing(true)}>
              Edit
            </Button>
          )}
          {note.can.delete && (
            <form
              action={remove}
              onSubmit={(e) => {
                if (!confirm("Delete this note? It stays in the audit history.")) e.preventDefault();
              }}
            >
              <input type="hidden" name="noteId" value={note.id} />
              <SubmitButton variant="secondary" pendingText="Deleting…">
                Delete
              </SubmitButton>
            </form>
          )}
        </div>
      )}
      <FormMessage state={removeState} />
      {privilege && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-slate-700">Privilege</summary>
          <div className="mt-2">{privilege}</div>
        </details>
      )}
      {/* Only where there is something to do or to know: a reader of another organisation sees the badge alone. */}
      {(note.can.release || note.can.approve || note.can.withdraw || note.release) && (
        <div className="mt-3">
          <ItemRelease itemType="note" item={note} orgName={note.orgName} actions={actions} />
        </div>
      )}
    </article>
  );
}
