"use client";

import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { TIME_FORMATS, timeFormatLabels } from "@/lib/ingest/time";
import { USAGE_FIELD_LABELS, USAGE_FIELDS, type TUsageMapping } from "@/lib/usage/schemas";

/** Usage times without an offset are read as UTC (lib/usage/parse.ts): the form has no zone. */
const USAGE_TIME_LABELS = timeFormatLabels("UTC");

/**
 * The column of the file for each usage field, starting from the preset's guess, with the
 * file's first rows beside it; then validation (which is also the load into a table no one sees
 * until "Load").
 */
export function MappingForm({
  action,
  columns,
  rows,
  mapping,
}: {
  action: TFormAction;
  columns: string[];
  rows: Record<string, string>[];
  mapping: TUsageMapping;
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Map columns" className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {USAGE_FIELDS.map((field) => (
          <Field key={field} name={`mapping.${field}`} label={USAGE_FIELD_LABELS[field]} state={state}>
            {(p) => (
              <select {...p} defaultValue={refused?.[`mapping.${field}`] ?? mapping[field]}>
                <option value="">— not in the file —</option>
                {columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ))}
        <Field name="timeFormat" label="Time format" state={state}>
          {(p) => (
            <select {...p} defaultValue={refused?.timeFormat ?? "auto"}>
              {TIME_FORMATS.map((t) => (
                <option key={t} value={t}>
                  {USAGE_TIME_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="bucketSeconds" label="Bucket width in seconds (0: one request per row)" state={state}>
          {(p) => <input {...p} type="number" min={0} defaultValue={refused?.bucketSeconds ?? "0"} />}
        </Field>
      </div>
      {rows.length > 0 && (
        <div className="scroll-hint overflow-x-auto rounded-md border border-slate-200">
          <table className="min-w-full text-xs" aria-label="First rows of the file">
            <thead className="bg-slate-50 text-left">
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col" className="px-2 py-1 font-semibold whitespace-nowrap">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, 5).map((r, i) => (
                <tr key={i} className="border-t border-slate-100">
                  {columns.map((c) => (
                    <td key={c} className="max-w-[16rem] truncate px-2 py-1 font-mono" title={r[c]}>
                      {r[c]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FormMessage state={state} />
      <SubmitButton pending={pending} pendingText="Starting…">
        Validate and stage
      </SubmitButton>
    </form>
  );
}
