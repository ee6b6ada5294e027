import { describe, expect, it } from "vitest";
import { formatBytes } from "@/lib/bytes";

describe("formatBytes", () => {
  it("reads sizes in binary units, one decimal below ten", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(12 * 1024 * 1024 + 7)).toBe("12 MiB");
    expect(formatBytes(2 * 1024 ** 3)).toBe("2.0 GiB");
    expect(formatBytes(5 * 1024 ** 5)).toBe("5120 TiB");
    expect(formatBytes(null)).toBe("—");
  });
});
