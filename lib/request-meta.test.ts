import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/request-meta";

describe("clientIp", () => {
  it("ignores X-Forwarded-For unless proxies are trusted", () => {
    expect(clientIp("198.51.100.7", 0)).toBeNull();
  });

  it("takes the hop our outermost trusted proxy saw, not what the client claims", () => {
    expect(clientIp("6.6.6.6, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(clientIp("6.6.6.6, 203.0.113.9, 10.0.0.2", 2)).toBe("203.0.113.9");
    expect(clientIp("203.0.113.9", 2)).toBeNull();
  });
});
