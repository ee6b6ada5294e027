"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FILE_INPUT } from "@/components/ui/form";
import { Panel } from "@/components/ui/panel";

type TVerdict = {
  ok: boolean;
  bag: string | null;
  payloadFiles: number;
  zipSha256: string | null;
  problems: { file: string; problem: string }[];
  matches: { id: string; completedAt: string | null } | null;
};

/** Upload a production ZIP; the server checks completeness and every digest, naming each difference. */
export function VerifyUpload({ caseId }: { caseId: string }) {
  const [verdict, setVerdict] = useState<TVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("bundle");
    if (!(file instanceof File) || file.size === 0) return setError("Choose the production's ZIP file.");
    setPending(true);
    setError(null);
    setVerdict(null);
    try {
      const response = await fetch(`/api/cases/${caseId}/productions/verify`, {
        method: "POST",
        headers: { "Content-Type": "application/zip" },
        body: file,
      });
      const body = await response.json();
      if (!response.ok) setError(body.title ?? "The check could not run.");
      else setVerdict(body as TVerdict);
    } catch {
      setError("The upload was interrupted: try again.");
    } finally {
      setPending(false);
    }
  }
  return (
    <Panel title="Verify a production">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" aria-label="Verify a production">
        <label className="text-sm text-slate-700">
          Production ZIP
          <input name="bundle" type="file" accept=".zip,application/zip" className={FILE_INPUT} />
        </label>
        <Button type="submit" variant="secondary" disabled={pending} aria-disabled={pending}>
          {pending ? "Checking…" : "Verify"}
        </Button>
      </form>
      <div aria-live="polite" className="mt-3 text-sm">
        {error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800">
            {error}
          </p>
        )}
        {verdict && (
          <div className="space-y-2">
            <p
              role="status"
              className={`rounded-md border px-3 py-2 ${verdict.ok ? "border-green-200 bg-green-50 text-green-800" : "border-red-200 bg-red-50 text-red-800"}`}
            >
              {verdict.ok
                ? `Verified: ${verdict.payloadFiles} files, complete, every digest matches, the load file matches the manifest.`
                : !verdict.zipSha256
                  ? "Not verified: this file cannot be read as a ZIP (it is another kind of file, or a damaged ZIP)."
                  : `Not verified: ${verdict.problems.length} ${verdict.problems.length === 1 ? "difference" : "differences"} found.`}
            </p>
            {verdict.zipSha256 && (
              <>
                <p className="font-mono text-xs break-all text-slate-600">ZIP SHA-256 {verdict.zipSha256}</p>
                <p className="text-slate-600">
                  {verdict.matches
                    ? "This ZIP is byte for byte one of this case's exports listed above."
                    : "This ZIP is not one of the exports listed above (it may be another case's, or changed)."}
                </p>
              </>
            )}
            {verdict.zipSha256 && verdict.problems.length > 0 && (
              <ul className="list-disc pl-5" aria-label="Differences">
                {verdict.problems.map((p, i) => (
                  <li key={i}>
                    <span className="font-mono text-xs">{p.file}</span>: {p.problem}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Panel>
  );
}
