import type { TPreview } from "@/lib/evidence/preview";

// Text, CSV and JSON are rendered as React text (escaped); images come from the sandboxed
// preview endpoint with a plain <img> (never next/image, which would proxy and re-encode the
// bytes through the app's optimizer). HTML, SVG and PDF are never shown inline.
export function EvidencePreview({ preview, src, title }: { preview: TPreview; src: string; title: string }) {
  switch (preview.kind) {
    case "image":
      return (
        // eslint-disable-next-line @next/next/no-img-element -- untrusted bytes stay out of next/image
        <img
          src={src}
          alt={`Preview of ${title}`}
          className="max-h-[32rem] max-w-full rounded border border-slate-200"
        />
      );
    case "csv":
      return (
        <div className="scroll-hint overflow-x-auto">
          <table className="min-w-full text-xs" aria-label="First rows of the CSV file">
            <tbody className="divide-y divide-slate-100">
              {preview.rows.map((row, i) => (
                <tr key={i} className={i === 0 ? "bg-slate-50 font-semibold" : undefined}>
                  {row.map((cell, j) => (
                    <td key={j} className="px-2 py-1 font-mono whitespace-nowrap">
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-slate-500">First {preview.rows.length} rows.</p>
        </div>
      );
    case "text":
    case "json":
      return (
        <div>
          <pre className="max-h-[32rem] overflow-auto rounded bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap">
            {preview.text}
          </pre>
          {preview.truncated && (
            <p className="mt-2 text-xs text-slate-500">
              Only the beginning of the file is shown; download it for the rest.
            </p>
          )}
        </div>
      );
    default:
      return <p className="text-sm text-slate-600">{preview.reason}</p>;
  }
}
