"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import type { TPreview } from "@/components/timeline/import-api";
import { guessMapping } from "@/lib/timeline/import-presets";
import { useTimeZone, useTimeZoneChoices } from "@/components/timeline/use-time-zone";
import { IMPORT_FIELD_LABELS, IMPORT_FIELDS, TIME_FORMAT_LABELS, TIME_FORMATS } from "@/lib/timeline/import-schemas";
import { EVENT_CATEGORIES, EVENT_CATEGORY_LABELS } from "@/lib/timeline/schemas";

const SELECT = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** Which column feeds which field, how times are written, and a preview of the first rows. */
export function ImportMapping({
  preview,
  direct,
  orgName,
  onValidate,
}: {
  preview: TPreview;
  direct: boolean;
  orgName: string;
  onValidate: (options: unknown) => void;
}) {
  const [zone] = useTimeZone();
  const choices = useTimeZoneChoices(zone);
  const [guess] = useState(() => guessMapping(preview.columns));
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    const mapping = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, data[`map.${f}`] ?? ""]));
    onValidate({
      mapping,
      timeFormat: data.timeFormat,
      timeZone: data.timeZone,
      defaultCategory: data.defaultCategory,
      defaultSource: data.defaultSource,
      visibility: data.visibility,
    });
  }
  return (
    <form onSubmit={submit} aria-label="Map columns" className="space-y-3">
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-xs" aria-label="First rows of the file">
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c} className="border-b px-2 py-1 font-semibold">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r, i) => (
              <tr key={i}>
                {preview.columns.map((c) => (
                  <td key={c} className="max-w-48 truncate border-b px-2 py-1">
                    {r[c]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid gap-3 text-sm md:grid-cols-4">
        {IMPORT_FIELDS.map((f) => (
          <label key={f}>
            {IMPORT_FIELD_LABELS[f]}
            <select name={`map.${f}`} defaultValue={guess[f]} className={SELECT}>
              <option value="">— not in the file —</option>
              {preview.columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label className="md:col-span-2">
          Time format
          <select name="timeFormat" defaultValue="auto" className={SELECT}>
            {TIME_FORMATS.map((t) => (
              <option key={t} value={t}>
                {TIME_FORMAT_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time zone of times without an offset
          <select name="timeZone" defaultValue={zone} className={SELECT}>
            {choices.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label>
          Category when none is given
          <select name="defaultCategory" defaultValue="OTHER" className={SELECT}>
            {EVENT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {EVENT_CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source when none is given
          <input name="defaultSource" className={SELECT} maxLength={500} />
        </label>
        {direct && (
          <label>
            Who can see the events
            <select name="visibility" defaultValue="ALL_CASE_ORGS" className={SELECT}>
              <option value="ALL_CASE_ORGS">Every organisation on the case</option>
              <option value="OWNER_ORG_ONLY">{orgName} only</option>
            </select>
          </label>
        )}
      </div>
      <Button type="submit">Validate</Button>
    </form>
  );
}
