"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import type { TNoteView } from "@/lib/notes/queries";
import { FormMessage, SubmitButton, useActionForm, type TFormAction, type TFormState } from "@/components/ui/form";

/** A note as the card shows it: the lib view with its times made strings for the client. */
export type TNoteCard = Omit<TNoteView, "createdAt" | "updatedAt"> & { createdAt: string; edited: boolean };

type Props = {
  note: TNoteCard;
  rendered: React.ReactNode;
  direct: boolean;
  actions: {
    update: TFormAction;
    remove: TFormAction;
    release: TFormAction;
    decide: TFormAction;
    withdraw: TFormAction;
  };
};

function ReasonForm({
  action,
  hidden,
  label,
  button,
}: {
  action: TFormAction;
  hidden: Record<string, string>;
  label: string;
  button: string;
}) {
  const { state, pending, formRef, onSubmit } = useActionForm(action, { resetOnSuccess: true });
  return (
    <form ref={formRef} onSubmit={onSubmit} className="mt-2 flex flex-wrap items-end gap-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <label className="flex flex-1 flex-col gap-1 text-sm">
        <span className="font-medium text-slate-700">{label}</span>
        <input name="reason" required minLength={3} className="rounded-md border border-slate-300 px-2 py-1.5" />
      </label>
      <SubmitButton variant="secondary" pending={pending}>
        {button}
      </SubmitButton>
      <div className="w-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}

export function NoteCard({ note, rendered, direct, actions }: Props) {
  const [editing, setEditing] = useState(false);
  const {
    state: updateState,
    pending: updating,
    onSubmit: submitUpdate,
  } = useActionForm(async (s: TFormState, f: FormData) => {
    const result = await actions.update(s, f);
    if (result.ok) setEditing(false);
    return result;
  });
  const [removeState, remove] = useActionState(actions.remove, { ok: false });
  const [decideState, decide] = useActionState(actions.decide, { ok: false });
  const orgOnly = note.visibility === "OWNER_ORG_ONLY";
  return (
    <article
      aria-label={`Note by ${note.authorName}`}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <header className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <span className="font-medium text-slate-800">{note.authorName}</span>
        <span>{note.orgName}</span>
        <time dateTime={note.createdAt}>{note.createdAt.slice(0, 16).replace("T", " ")} UTC</time>
        {note.edited && <span>(edited)</span>}
        <span
          className={`rounded-full px-2 py-0.5 font-medium ${orgOnly ? "bg-amber-100 text-amber-900" : "bg-green-50 text-green-800"}`}
        >
          {orgOnly ? `${note.orgName} only` : "All case organisations"}
        </span>
        {note.release?.status === "PENDING" && (
          <span className="rounded-full bg-blue-50 px-2 py-0.5 font-medium text-blue-800">
            Release awaiting approval
          </span>
        )}
        {note.release?.status === "WITHDRAWN" && (
          <span className="rounded-full bg-slate-100 px-2 py-0.5 font-medium">Release withdrawn</span>
        )}
      </header>
      {editing ? (
        <form onSubmit={submitUpdate} className="space-y-2">
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
      {note.can.release && (
        <ReasonForm
          action={actions.release}
          hidden={{ itemType: "note", itemId: note.id }}
          label="Release to partner organisations — what and why"
          button="Release"
        />
      )}
      {note.can.approve && note.release && (
        <form action={decide} className="mt-2 space-y-2 rounded-md bg-blue-50 p-3 text-sm">
          <input type="hidden" name="releaseId" value={note.release.id} />
          <p>
            {note.release.requestedByName} asks to release this note: “{note.release.reason}”
          </p>
          <div className="flex gap-2">
            <button
              name="approve"
              value="approve"
              className="bg-brand-600 rounded-md px-3 py-1.5 font-medium text-white"
            >
              Approve release
            </button>
            <button name="approve" value="reject" className="rounded-md border border-slate-300 bg-white px-3 py-1.5">
              Reject
            </button>
          </div>
          <FormMessage state={decideState} />
        </form>
      )}
      {note.can.withdraw && note.release && (
        <ReasonForm
          action={actions.withdraw}
          hidden={{ releaseId: note.release.id }}
          label="Withdraw the release — why"
          button="Withdraw release"
        />
      )}
    </article>
  );
}
