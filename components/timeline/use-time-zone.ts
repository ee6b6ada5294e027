"use client";

import { useSyncExternalStore } from "react";

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
    window.dispatchEvent(new Event(EVENT));
  };
  return [zone, set];
}

export function timeZoneChoices(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([current, browserZone(), "UTC", ...all])];
}
