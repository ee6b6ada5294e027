import { describe, expect, it } from "vitest";
import { startupWaitSeconds } from "@/lib/env";

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
