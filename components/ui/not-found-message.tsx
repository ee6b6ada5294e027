import Link from "next/link";

/**
 * The body of every 404: the same words whether the thing is missing or hidden from this user,
 * and the same tab title (React puts the <title> in the head, over the page's own metadata).
 */
export function NotFoundMessage() {
  return (
    <div className="mx-auto max-w-lg px-4 py-24 text-center">
      <title>Not found · Casebridge</title>
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist, or you do not have access to it.</p>
      <Link href="/cases" className="text-brand-700 mt-6 inline-block hover:underline">
        Back to cases
      </Link>
    </div>
  );
}
