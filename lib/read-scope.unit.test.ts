import { describe, expect, it } from "vitest";
import { inReadScope, oncePerRequest, onceInReadScope, outsideReadScope } from "@/lib/read-scope";

describe("read scope", () => {
  const counter = () => {
    let calls = 0;
    return { load: async () => ++calls, calls: () => calls };
  };

  it("loads a key once within a scope, and again in another scope", async () => {
    const c = counter();
    const first = await inReadScope(async () => [
      await onceInReadScope("k", c.load),
      await onceInReadScope("k", c.load),
      await onceInReadScope("other", c.load),
    ]);
    expect(first).toEqual([1, 1, 2]);
    expect(await inReadScope(() => onceInReadScope("k", c.load))).toBe(3);
  });

  it("outside a scope (writes, scripts) every call loads", async () => {
    const c = counter();
    await onceInReadScope("k", c.load);
    await onceInReadScope("k", c.load);
    expect(c.calls()).toBe(2);
  });

  it("work started outside the scope from within it loads afresh", async () => {
    const c = counter();
    await inReadScope(async () => {
      await onceInReadScope("k", c.load);
      await outsideReadScope(() => onceInReadScope("k", c.load));
    });
    expect(c.calls()).toBe(2);
  });

  it("concurrent callers share one load; a failed load is not kept", async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error("down");
    };
    await inReadScope(async () => {
      const c = counter();
      expect(await Promise.all([onceInReadScope("k", c.load), onceInReadScope("k", c.load)])).toEqual([1, 1]);
      await expect(onceInReadScope("f", failing)).rejects.toThrow("down");
      await expect(onceInReadScope("f", failing)).rejects.toThrow("down");
    });
    expect(calls).toBe(2);
  });

  it("a function memoised per request loads once per key and request, with its arguments", async () => {
    const seen: string[] = [];
    const load = oncePerRequest(
      (org: string, id: string) => `thing:${org}:${id}`,
      async (org: string, id: string) => {
        seen.push(`${org}/${id}`);
        return seen.length;
      },
    );
    expect(await inReadScope(async () => [await load("a", "1"), await load("a", "1"), await load("b", "1")])).toEqual([
      1, 1, 2,
    ]);
    expect(await inReadScope(() => load("a", "1"))).toBe(3);
    await load("a", "1");
    await load("a", "1");
    expect(seen).toEqual(["a/1", "b/1", "a/1", "a/1", "a/1"]);
  });
});
