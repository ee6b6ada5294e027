/** A page's loading state: an announced label and grey blocks of the given Tailwind heights. */
export function LoadingSkeleton({
  label,
  blocks,
  className = "space-y-3",
}: {
  label: string;
  blocks: string[];
  className?: string;
}) {
  return (
    <div role="status" aria-live="polite" className={className}>
      <span className="sr-only">{label}</span>
      {blocks.map((block, i) => (
        <div key={i} className={`animate-pulse rounded-lg bg-slate-200 ${block}`} />
      ))}
    </div>
  );
}
