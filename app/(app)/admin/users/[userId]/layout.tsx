import { orNotFound, requirePageUser } from "@/lib/page";
import { getUser } from "@/lib/users/queries";

// Decided here, above the page's loading boundary, so that another organisation's user (or an
// unknown or malformed id) answers a real HTTP 404, not a 200 carrying the not-found body. The
// list page sits in the (list) group so that its loading boundary does not wrap this one.
export default async function UserLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ userId: string }>;
}) {
  const actor = await requirePageUser();
  await orNotFound(getUser(actor, (await params).userId));
  return children;
}
