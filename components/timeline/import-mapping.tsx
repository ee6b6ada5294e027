"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import type { TImportStats, TPreview } from "@/components/timeline/import-api";
import { ImportCategories, categoryMapOf } from "@/components/timeline/import-categories";
import { useTimeZone, useTimeZoneChoices } from "@/components/timeline/use-time-zone";
import {
  IMPORT_PRESETS,
  IMPORT_PRESET_LABELS,
  detectPreset,
  presetOptions,
  type TImportPreset,
} from "@/lib/timeline/import-presets";
import {
  IMPORT_FIELD_LABELS,
  IMPORT_FIELDS,
  TIME_FORMAT_LABELS,
  TIME_FORMATS,
  type TImportOptions,
} from "@/lib/timeline/import-schemas";
import { EVENT_CATEGORIES, EVENT_CATEGORY_LABELS } from "@/lib/timeline/schemas";

const SELECT = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/**
 * Which column feeds which field, how times are written, and a preview of the first rows. The
 * file's shape picks a preset (Timesketch, plaso, our own export); changing it refills the
 * fields. After a validation, `last` holds the options it ran with and `stats` what it found:
 * the category values that are not built-in can then be mapped.
 */
export function ImportMapping({
  preview,
  direct,
  orgName,
  customCategories,
  last,
  stats,
  errors = {},
  onValidate,
}: {
  preview: TPreview;
  direct: boolean;
  orgName: string;
  customCategories: string[];
  last: TImportOptions | null;
  stats: TImportStats | null;
  /** The server's messages by option (`mapping.title`) after a refused validation. */
  errors?: Record<string, string[]>;
  onValidate: (options: unknown) => void;
}) {
  const [zone] = useTimeZone();
  const choices = useTimeZoneChoices(zone);
  const [preset, setPreset] = useState<TImportPreset>(() => detectPreset(preview.columns));
  const filled = presetOptions(preset, preview.columns);
  // After a validation the form shows what it ran with; a new preset starts from the preset.
  const [useLast, setUseLast] = useState(last !== null);
  const current = useLast && last ? last : null;
  const mapping = current?.mapping ?? filled.mapping;
  const timeZone = current?.timeZone ?? filled.timeZone ?? zone;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const get = (k: string) => String(data.get(k) ?? "");
    onValidate({
      mapping: Object.fromEntries(IMPORT_FIELDS.map((f) => [f, get(`map.${f}`)])),
      timeFormat: get("timeFormat"),
      timeZone: get("timeZone"),
      defaultCategory: get("defaultCategory"),
      defaultSource: get("defaultSource"),
      visibility: get("visibility") || undefined,
      longTitle: data.get("longTitle") ? "split" : "reject",
      ignore: current?.ignore ?? filled.ignore,
      ownExport: current?.ownExport ?? filled.ownExport,
      categoryMap: categoryMapOf(data, stats?.categories ?? []),
    });
  }
  return (
    <form onSubmit={submit} aria-label="Map columns" className="space-y-3">
      <div className="scroll-hint overflow-x-auto">
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
      <label className="block text-sm">
        The file is
        <select
          name="preset"
          value={preset}
          onChange={(e) => {
            setPreset(e.target.value as TImportPreset);
            setUseLast(false);
          }}
          className={SELECT}
        >
          {IMPORT_PRESETS.map((p) => (
            <option key={p} value={p}>
              {IMPORT_PRESET_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      {/* Remounted when the preset changes, so each field shows the preset's choice. */}
      <div key={`${preset}-${useLast}`} className="grid gap-3 text-sm md:grid-cols-4">
        {IMPORT_FIELDS.map((f) => {
          const problem = errors[`mapping.${f}`]?.join(" ");
          return (
            <label key={f}>
              {IMPORT_FIELD_LABELS[f]}
              <select
                name={`map.${f}`}
                defaultValue={mapping[f]}
                className={problem ? `${SELECT} border-red-500` : SELECT}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `map-${f}-error` : undefined}
              >
                <option value="">— not in the file —</option>
                {preview.columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
              {problem && (
                <span id={`map-${f}-error`} className="mt-1 block text-xs text-red-700">
                  {problem}
                </span>
              )}
            </label>
          );
        })}
        <label className="md:col-span-2">
          Time format
          <select name="timeFormat" defaultValue={current?.timeFormat ?? filled.timeFormat} className={SELECT}>
            {TIME_FORMATS.map((t) => (
              <option key={t} value={t}>
                {TIME_FORMAT_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time zone of times without an offset
          <select name="timeZone" defaultValue={timeZone} className={SELECT}>
            {(choices.includes(timeZone) ? choices : [timeZone, ...choices]).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label>
          Category when none is given
          <select name="defaultCategory" defaultValue={current?.defaultCategory ?? "OTHER"} className={SELECT}>
            {EVENT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {EVENT_CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source when none is given
          <input name="defaultSource" defaultValue={current?.defaultSource ?? ""} className={SELECT} maxLength={500} />
        </label>
        {direct && (
          <label>
            Who can see the events
            <select name="visibility" defaultValue={current?.visibility ?? "ALL_CASE_ORGS"} className={SELECT}>
              <option value="ALL_CASE_ORGS">Every organisation on the case</option>
              <option value="OWNER_ORG_ONLY">{orgName} only</option>
            </select>
          </label>
        )}
        <label className="flex items-start gap-2 md:col-span-2">
          <input
            type="checkbox"
            name="longTitle"
            defaultChecked={(current?.longTitle ?? filled.longTitle) === "split"}
            className="mt-1"
          />
          <span>
            A title longer than 300 characters: keep its first line as the title and the whole text as the description
            (otherwise the row is refused)
          </span>
        </label>
        <p className="text-xs text-slate-600 md:col-span-2">
          Columns not chosen above are kept with each event as attributes: shown in its details, searched and exported.
        </p>
      </div>
      {stats?.categories && stats.categories.length > 0 && (
        <ImportCategories
          values={stats.categories}
          chosen={current?.categoryMap ?? {}}
          customCategories={customCategories}
        />
      )}
      <Button type="submit">{last ? "Validate again" : "Validate"}</Button>
    </form>
  );
}
