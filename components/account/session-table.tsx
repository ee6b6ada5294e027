import { OneClickForm } from "@/components/account/one-click-form";
import type { TFormAction } from "@/components/ui/form";
import type { TSessionListItem } from "@/lib/auth/sessions";
import { utcLabel } from "@/lib/utc";

export type TSessionRow = TSessionListItem;

/** The signed-in user's live sessions, each with its own "End" button (not the current one). */
export function SessionTable({
  sessions,
  endAction,
}: {
  sessions: TSessionRow[];
  endAction: (id: string) => TFormAction;
}) {
  // Scrolls sideways inside its own frame on a narrow screen; `relative` keeps the absolutely
  // positioned sr-only header inside that frame too, or it would widen the page.
  return (
    <div className="scroll-hint relative overflow-x-auto [--scroll-hint-bg:var(--color-slate-50)]">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Your active sessions</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-4">
              Signed in
            </th>
            <th scope="col" className="py-2 pr-4">
              Last active
            </th>
            <th scope="col" className="py-2 pr-4">
              Ends at the latest
            </th>
            <th scope="col" className="py-2 pr-4">
              Address and browser
            </th>
            <th scope="col" className="py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} className="border-b border-slate-100 align-top">
              <td className="py-2 pr-4 whitespace-nowrap">{utcLabel(s.createdAt)}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{utcLabel(s.lastSeenAt)}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{utcLabel(s.expiresAt)}</td>
              <td className="max-w-xs py-2 pr-4 break-words text-slate-600">
                {s.ip ?? "address not recorded"}
                <br />
                <span className="text-xs">{s.userAgent ?? "browser not recorded"}</span>
              </td>
              <td className="py-2">
                {s.isCurrent ? (
                  <span className="text-xs font-medium text-emerald-700">This session</span>
                ) : (
                  <OneClickForm action={endAction(s.id)} label="End" />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
