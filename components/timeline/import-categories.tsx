"use client";

import type { TImportStats } from "@/components/timeline/import-api";
import type { TCategoryChoice } from "@/lib/timeline/import-schemas";
import { EVENT_CATEGORIES, EVENT_CATEGORY_LABELS } from "@/lib/timeline/schemas";

type TValue = NonNullable<TImportStats["categories"]>[number];

const SELECT = "block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

/** A choice as a select's value: `other`, `custom:<name>` or `builtin:<CATEGORY>`. */
function encode(choice: TCategoryChoice | undefined): string {
  if (!choice || choice.to === "other") return "other";
  return choice.to === "custom" ? `custom:${choice.name}` : `builtin:${choice.category}`;
}

function decode(value: string): TCategoryChoice {
  if (value.startsWith("custom:")) return { to: "custom", name: value.slice(7) };
  if (value.startsWith("builtin:"))
    return { to: "builtin", category: value.slice(8) as Extract<TCategoryChoice, { to: "builtin" }>["category"] };
  return { to: "other" };
}

/** The category map from the form's `category.<i>` selects (one per value the validation listed). */
export function categoryMapOf(data: FormData, values: TValue[]): Record<string, TCategoryChoice> {
  const out: Record<string, TCategoryChoice> = {};
  values.forEach((v, i) => {
    const picked = data.get(`category.${i}`);
    if (typeof picked === "string") out[v.value] = decode(picked);
  });
  return out;
}

/**
 * The category values of the file that are not built-in, with their rows: each can go to a
 * built-in category or stay in Other (the value kept as an attribute either way), or become (or
 * join) one of the case's own categories.
 */
export function ImportCategories({
  values,
  chosen,
  customCategories,
}: {
  values: TValue[];
  chosen: Record<string, TCategoryChoice>;
  customCategories: string[];
}) {
  const lower = new Map(Object.entries(chosen).map(([k, v]) => [k.toLowerCase(), v]));
  return (
    <fieldset className="rounded-md border border-slate-200 p-3 text-sm">
      <legend className="px-1 font-medium">Category values that are not built-in</legend>
      <p className="mb-2 text-xs text-slate-600">
        Choose what each becomes, then validate again. In Other or a built-in category, the file&apos;s value is kept
        with the event as an attribute.
      </p>
      <table className="min-w-full text-left text-sm" aria-label="Category values">
        <thead>
          <tr>
            <th className="border-b px-2 py-1">Value in the file</th>
            <th className="border-b px-2 py-1">Rows</th>
            <th className="border-b px-2 py-1">Becomes</th>
          </tr>
        </thead>
        <tbody>
          {values.map((v, i) => {
            const existing = customCategories.find((c) => c.toLowerCase() === v.value.toLowerCase());
            return (
              <tr key={v.value}>
                <td className="border-b px-2 py-1">{v.value}</td>
                <td className="border-b px-2 py-1 font-mono">{v.rows.toLocaleString("en")}</td>
                <td className="border-b px-2 py-1">
                  <select
                    name={`category.${i}`}
                    aria-label={`Category for “${v.value}”`}
                    defaultValue={encode(lower.get(v.value.toLowerCase()))}
                    className={SELECT}
                  >
                    <option value="other">Other, keeping “{v.value}”</option>
                    <option value={`custom:${existing ?? v.value}`}>
                      {existing ? `Case category “${existing}”` : `New case category “${v.value}”`}
                    </option>
                    {customCategories
                      .filter((c) => c !== existing)
                      .map((c) => (
                        <option key={c} value={`custom:${c}`}>
                          Case category “{c}”
                        </option>
                      ))}
                    {EVENT_CATEGORIES.filter((c) => c !== "OTHER").map((c) => (
                      <option key={c} value={`builtin:${c}`}>
                        {EVENT_CATEGORY_LABELS[c]}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </fieldset>
  );
}
