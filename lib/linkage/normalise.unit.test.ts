import { describe, expect, it } from "vitest";
import { createRedactor } from "@/lib/usage/parse";
import { networkContains, normaliseEntity, normaliseIp, normaliseNetwork } from "@/lib/linkage/normalise";

const redact = createRedactor("test-key");
const value = (kind: Parameters<typeof normaliseEntity>[0], raw: string) => {
  const n = normaliseEntity(kind, raw, redact);
  return "value" in n ? n.value : n.error;
};

describe("entity normalisation", () => {
  it("reads email addresses by each provider's rules", () => {
    expect(value("EMAIL", "J.Doe+scraper@Gmail.com")).toBe("jdoe@gmail.com");
    expect(value("EMAIL", "j.d.o.e@googlemail.com")).toBe("jdoe@gmail.com");
    // Outlook keeps dots but drops +tags; an unknown provider keeps both.
    expect(value("EMAIL", "J.Doe+x@outlook.com")).toBe("j.doe@outlook.com");
    expect(value("EMAIL", "j.doe+x@example.org")).toBe("j.doe+x@example.org");
    expect(value("EMAIL", "  Ops@Example.ORG. ")).toBe("ops@example.org");
    expect(value("EMAIL", "not-an-email")).toMatch(/is not an email address/);
    expect(value("EMAIL", "@gmail.com")).toMatch(/is not an email address/);
    expect(value("EMAIL", "+tag@gmail.com")).toMatch(/is not an email address/);
  });

  it("writes one form of each IPv4 and IPv6 address", () => {
    expect(value("IP", " 203.0.113.9 ")).toBe("203.0.113.9");
    expect(value("IP", "::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(value("IP", "2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(value("IP", "[2001:db8:0:0:1:0:0:1]")).toBe("2001:db8::1:0:0:1");
    expect(normaliseIp("2001:db8::0:1")).toBe("2001:db8::1");
    expect(value("IP", "999.1.1.1")).toMatch(/is not an IP address/);
    expect(value("IP", "10.0.0.0/8")).toMatch(/is not an IP address/);
  });

  it("writes networks as their first address and checks containment", () => {
    expect(normaliseNetwork("203.0.113.77/24")).toBe("203.0.113.0/24");
    expect(normaliseNetwork("2001:DB8:1:2:3::/48")).toBe("2001:db8:1::/48");
    expect(normaliseNetwork("203.0.113.77")).toBeNull();
    expect(networkContains("203.0.113.0/24", "203.0.113.200")).toBe(true);
    expect(networkContains("203.0.113.0/24", "203.0.114.1")).toBe(false);
    expect(networkContains("203.0.113.0/24", "::ffff:203.0.113.5")).toBe(true);
    expect(networkContains("2001:db8::/32", "203.0.113.5")).toBe(false);
  });

  it("never keeps an API key secret: prefix, last four and a keyed hash", () => {
    const secret = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx9z81";
    const stored = value("API_KEY", secret);
    expect(stored).toMatch(/^sk-proj-…9z81#[0-9a-f]{16}$/);
    expect(stored).not.toContain("AbCdEfGh");
    expect(value("API_KEY", secret)).toBe(stored); // the same key links
    expect(normaliseEntity("API_KEY", secret, createRedactor("another-server"))).not.toEqual({
      value: stored,
      display: stored,
    });
    expect(value("API_KEY", " key_AbC ")).toBe("key_AbC"); // key ids stay as written
  });

  it("folds case and spacing of identifiers, and reads AS numbers", () => {
    expect(value("ACCOUNT", "  ACCT_17 ")).toBe("acct_17");
    expect(value("PERSON", "Jane   Doe")).toBe("jane doe");
    expect(value("ASN", "as 13335")).toBe("AS13335");
    expect(value("ASN", "AS99999999999")).toMatch(/is not an AS number/);
    expect(value("DOMAIN", "Bücher.Example.")).toBe("xn--bcher-kva.example");
    expect(value("ACCOUNT", "   ")).toBe("The value is empty.");
  });
});
