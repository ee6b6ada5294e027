export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="max-w-3xl space-y-6">
      <span className="sr-only">Loading user…</span>
      <div className="h-8 w-64 animate-pulse rounded bg-slate-200" />
      <div className="h-40 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-28 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-40 animate-pulse rounded-lg bg-slate-200" />
    </div>
  );
}
