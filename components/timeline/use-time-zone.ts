"use client";

import { useSyncExternalStore } from "react";
import { TIME_ZONE_COOKIE } from "@/lib/timeline/time";

// The zone times are entered and shown in: the browser's own (Intl) unless the user chose
// another, remembered in localStorage. Shared by the event form and the list.
const KEY = "casebridge.timeZone";
const EVENT = "casebridge:timezone";

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const read = () => (typeof window === "undefined" ? "UTC" : (window.localStorage.getItem(KEY) ?? browserZone()));

function subscribe(onChange: () => void) {
  window.addEventListener(EVENT, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(EVENT, onChange);
    window.removeEventListener("storage", onChange);
  };
}

export function useTimeZone(): [string, (zone: string) => void] {
  const zone = useSyncExternalStore(subscribe, read, () => "UTC");
  const set = (next: string) => {
    if (next === browserZone()) window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, next);
    rememberTimeZone(next);
    window.dispatchEvent(new Event(EVENT));
  };
  return [zone, set];
}

/**
 * Tells the server the zone (a cookie; the server validates it before use), so the histogram
 * it renders next has its buckets in that zone. Zone names are plain cookie characters.
 */
export function rememberTimeZone(zone: string) {
  if (document.cookie.split("; ").includes(`${TIME_ZONE_COOKIE}=${zone}`)) return;
  document.cookie = `${TIME_ZONE_COOKIE}=${zone}; path=/; max-age=31536000; samesite=lax${location.protocol === "https:" ? "; secure" : ""}`;
}

const NO_SUBSCRIPTION = () => () => {};

/** False while the server renders and while React hydrates, then true: for browser-only output. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    NO_SUBSCRIPTION,
    () => true,
    () => false,
  );
}

/**
 * The zones to choose from. Until hydration, only the current one: the server's list (its
 * zone, its ICU's zones) differs from the browser's, and a different option list is a
 * hydration error that makes React redraw the page.
 */
export function useTimeZoneChoices(current: string): string[] {
  const hydrated = useHydrated();
  if (!hydrated) return [current];
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([current, browserZone(), "UTC", ...all])];
}
