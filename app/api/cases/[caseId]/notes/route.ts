import { requireUser } from "@/lib/auth/guards";
import { readJsonBody, requireSameOrigin, route } from "@/lib/http";
import { createNote } from "@/lib/notes/mutations";
import { listNotes } from "@/lib/notes/queries";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/** GET /api/cases/:caseId/notes — the notes the user may see, newest first (at most 500). */
export const GET = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const items = await listNotes(user, (await params).caseId);
  return Response.json({ items }, { headers: { "Cache-Control": "no-store" } });
});

/** POST /api/cases/:caseId/notes — JSON `{ body, visibility? }`; 201 with the new id. */
export const POST = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  const result = await createNote(user, (await params).caseId, await readJsonBody(request));
  return Response.json(result, { status: 201, headers: { "Cache-Control": "no-store" } });
});
