// A size in bytes as people read it, the same on every page, in every export and in every
// message: binary units (a KiB is 1,024 bytes), one decimal below ten. No server imports: pages
// and client components use it too.

const UNITS = ["KiB", "MiB", "GiB", "TiB"];

/** `1.5 KiB`, `12 MiB`, `512 B`; a dash for an unknown size. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 10 ? 0 : 1)} ${UNITS[unit]}`;
}
