import { describe, expect, it } from "vitest";
import { utcLabel, utcRange, utcText } from "@/lib/utc";

describe("times as the app writes them", () => {
  const at = new Date("2026-11-02T08:00:07.250Z");

  it("writes an instant in UTC to the minute or the second, from a Date or its ISO text", () => {
    expect(utcText(at)).toBe("2026-11-02 08:00");
    expect(utcText(at, "second")).toBe("2026-11-02 08:00:07");
    // The same instant written with an offset reads as its UTC time.
    expect(utcText("2026-11-02T10:00:07+02:00", "second")).toBe("2026-11-02 08:00:07");
    expect(utcLabel(at.toISOString())).toBe("2026-11-02 08:00 UTC");
    expect(utcLabel(null)).toBe("—");
  });

  it("says the zone of a period once, and a dash for an end not known", () => {
    expect(utcRange(at, new Date("2026-11-03T09:30:00Z"))).toBe("2026-11-02 08:00 – 2026-11-03 09:30 UTC");
    expect(utcRange(at, null)).toBe("2026-11-02 08:00 – — UTC");
    expect(utcRange(null, undefined)).toBe("—");
  });
});
