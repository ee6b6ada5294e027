"use client";

import { offsetLabel } from "@/lib/timeline/time";
import { useTimeZone, useTimeZoneChoices } from "@/components/timeline/use-time-zone";

/** The zone every time on the page is entered and shown in; defaults to the browser's. */
export function TimeZonePicker() {
  const [zone, setZone] = useTimeZone();
  const choices = useTimeZoneChoices(zone);
  return (
    <label className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
      Time zone
      <select
        aria-label="Time zone"
        value={zone}
        onChange={(e) => setZone(e.target.value)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {choices.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      <span className="text-slate-500">{offsetLabel(new Date(), zone)}</span>
    </label>
  );
}
