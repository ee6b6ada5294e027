import { describe, expect, it } from "vitest";
import { startupWaitSeconds, webConcurrency } from "@/lib/env";

describe("CASEBRIDGE_STARTUP_WAIT_SECONDS", () => {
  it("defaults to 600 s and reads whole seconds", () => {
    expect(startupWaitSeconds(undefined)).toBe(600);
    expect(startupWaitSeconds("90")).toBe(90);
  });

  it("refuses what is not a whole, positive number of seconds, saying so (no NaN wait that never ends)", () => {
    expect(() => startupWaitSeconds("ten minutes")).toThrow(/must be a number of seconds/);
    expect(() => startupWaitSeconds("1.5")).toThrow(/whole number/);
    expect(() => startupWaitSeconds("0")).toThrow(/at least 1/);
    expect(() => startupWaitSeconds("100000")).toThrow(/at most 86400/);
  });
});

describe("WEB_CONCURRENCY", () => {
  it("is the number of server processes; unset or empty is none said", () => {
    expect(webConcurrency("2")).toBe(2);
    expect(webConcurrency(undefined)).toBeUndefined();
    expect(webConcurrency(" ")).toBeUndefined();
  });

  it("refuses what is not a whole number from 1 to 64", () => {
    for (const bad of ["two", "0", "1.5", "65"]) expect(() => webConcurrency(bad), bad).toThrow();
  });
});
