import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { cache as perRender } from "react";

// What a read request has already loaded, for the rest of that request: React's `cache` does
// this during a server render, but a route handler runs outside one, so the same case facts were
// read two or three times per API call (the guard, then each helper that checks again). Only
// reads get a scope (lib/http.ts#route: GET and HEAD), so nothing a request changes can be
// answered from before the change.
const scope = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** Runs `work` with a fresh read scope. */
export function inReadScope<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/** Runs `work` outside any read scope: background work a read request starts (a job it resumes). */
export function outsideReadScope<T>(work: () => T): T {
  return scope.exit(work);
}

/** `load()` once per read scope and `key`; outside a scope, every call loads. A failure is not kept. */
export function onceInReadScope<T>(key: string, load: () => Promise<T>): Promise<T> {
  const memo = scope.getStore();
  if (!memo) return load();
  let kept = memo.get(key) as Promise<T> | undefined;
  if (!kept) {
    kept = load();
    memo.set(key, kept);
    kept.catch(() => memo.delete(key));
  }
  return kept;
}

/**
 * `load` memoised per request: per server render by React's `cache` (on the arguments' identity),
 * and per read request in a route handler by the read scope (on `key` of the arguments, a string
 * that must name everything the result depends on). Writes and scripts load every time.
 */
export function oncePerRequest<A extends unknown[], T>(
  key: (...args: A) => string,
  load: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  return perRender((...args: A) => onceInReadScope(key(...args), () => load(...args)));
}
