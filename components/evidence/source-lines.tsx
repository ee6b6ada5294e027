import { Panel } from "@/components/ui/panel";
import type { TSourceLines } from "@/lib/evidence/preview";

/** The cited line of the stored file with its neighbours, as text (escaped by React). */
export function SourceLines({ source, sha256 }: { source: TSourceLines; sha256: string }) {
  const found = source.lines.some((l) => l.n === source.line);
  return (
    <Panel title={`Source, line ${source.line.toLocaleString("en")}`}>
      {found ? (
        <ol aria-label="Source lines" className="overflow-x-auto rounded bg-slate-50 p-2 font-mono text-xs">
          {source.lines.map((l) => (
            <li
              key={l.n}
              aria-current={l.n === source.line ? "true" : undefined}
              className={`whitespace-pre ${l.n === source.line ? "bg-amber-100 font-semibold" : "text-slate-500"}`}
            >
              <span className="mr-3 inline-block w-16 text-right text-slate-400 select-none">{l.n}</span>
              {l.text}
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-slate-600">The file has fewer than {source.line.toLocaleString("en")} lines.</p>
      )}
      <p className="mt-2 text-xs break-all text-slate-500">From the stored file with SHA-256 {sha256}.</p>
    </Panel>
  );
}
