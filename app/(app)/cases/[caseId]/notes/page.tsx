import type { Metadata } from "next";
import { NoteCard } from "@/components/notes/note-card";
import { NoteComposer } from "@/components/notes/note-composer";
import { PrivilegeControl } from "@/components/privilege/privilege-control";
import { WithheldStub } from "@/components/privilege/withheld";
import { EmptyState } from "@/components/ui/empty-state";
import { Markdown } from "@/components/ui/markdown";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getCaseHeader } from "@/lib/cases/queries";
import { listNotes } from "@/lib/notes/queries";
import {
  createNoteAction,
  decideReleaseAction,
  deleteNoteAction,
  flagPrivilegeAction,
  requestReleaseAction,
  unflagPrivilegeAction,
  updateNoteAction,
  withdrawReleaseAction,
} from "../actions";

export const metadata: Metadata = { title: "Notes" };

export default async function NotesPage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const [header, notes] = await orNotFound(Promise.all([getCaseHeader(user, caseId), listNotes(user, caseId)]));
  const direct = header.releaseMode === "DIRECT";
  const bind = (action: typeof createNoteAction) => action.bind(null, header.id);
  const actions = {
    update: bind(updateNoteAction),
    remove: bind(deleteNoteAction),
    release: bind(requestReleaseAction),
    decide: bind(decideReleaseAction),
    withdraw: bind(withdrawReleaseAction),
  };
  return (
    <div className="max-w-3xl space-y-4">
      {header.permissions.createNote && (
        <NoteComposer action={bind(createNoteAction)} direct={direct} orgName={user.orgName} />
      )}
      {notes.length === 0 && (
        <EmptyState title="No notes yet">
          {header.permissions.createNote ? "Write the first one above." : "Members with write access add notes here."}
        </EmptyState>
      )}
      {notes.map((n) =>
        "withheld" in n ? (
          <article key={n.id} aria-label="Withheld note">
            <WithheldStub stub={n} />
          </article>
        ) : (
          <NoteCard
            key={n.id}
            note={{
              ...n,
              createdAt: n.createdAt.toISOString(),
              edited: n.updatedAt.getTime() - n.createdAt.getTime() > 1000,
            }}
            rendered={<Markdown>{n.body}</Markdown>}
            direct={direct}
            actions={actions}
            privilege={
              n.can.flagPrivilege && (
                <PrivilegeControl
                  flag={bind(flagPrivilegeAction)}
                  unflag={bind(unflagPrivilegeAction)}
                  itemType="note"
                  itemId={n.id}
                  item={n}
                />
              )
            }
          />
        ),
      )}
    </div>
  );
}
