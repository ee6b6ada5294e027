import { describe, expect, it } from "vitest";
import { ZFileName } from "@/lib/evidence/schemas";
import { ZImportFileName } from "@/lib/timeline/import-schemas";
import { crossSiteRefusal, hasBidiControls, markBidiControls, ownOrigins, pageCsp } from "@/lib/request-policy";

const OWN = ownOrigins("https://casebridge.example", "evil.example", "https:");
const h = (headers: Record<string, string>) => new Headers(headers);

describe("crossSiteRefusal", () => {
  it("lets a same-origin POST through", () => {
    expect(
      crossSiteRefusal("POST", h({ origin: "https://casebridge.example", "sec-fetch-site": "same-origin" }), OWN),
    ).toBeNull();
  });

  it.each([
    ["no Origin", {}],
    ["Origin: null", { origin: "null" }],
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["a same-site subdomain", { origin: "https://casebridge.example", "sec-fetch-site": "same-site" }],
    ["a cross-site fetch", { origin: "https://casebridge.example", "sec-fetch-site": "cross-site" }],
  ])("refuses a POST with %s", (_name, headers) => {
    expect(crossSiteRefusal("POST", h(headers), OWN)).not.toBeNull();
  });

  it("trusts the configured URL over the Host header (which a forged X-Forwarded-Host would become)", () => {
    expect(OWN.has("https://evil.example")).toBe(false);
    expect(ownOrigins(undefined, "localhost:3000", "http:")).toEqual(new Set(["http://localhost:3000"]));
  });

  it("lets safe methods through", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(crossSiteRefusal(method, h({}), OWN)).toBeNull();
  });
});

describe("pageCsp", () => {
  it("allows scripts only by nonce, never inline or eval in production; WebAssembly compiles", () => {
    const csp = pageCsp("abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});

describe("bidirectional controls", () => {
  const disguised = "invoice\u202Efdp.exe";

  it("are found and marked visibly", () => {
    expect(hasBidiControls(disguised)).toBe(true);
    expect(hasBidiControls("plain.pdf")).toBe(false);
    expect(markBidiControls(disguised)).toBe("invoice⟦U+202E⟧fdp.exe");
    expect(markBidiControls("a\u2066b\u2069")).toBe("a⟦U+2066⟧b⟦U+2069⟧");
  });

  it("are refused in evidence and import file names", () => {
    for (const c of ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"]) {
      const result = ZFileName.safeParse(`report${c}txt.exe`);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/bidirectional control/);
    }
    expect(ZImportFileName.safeParse(encodeURIComponent("events\u202Evsc.csv")).success).toBe(false);
    expect(ZImportFileName.safeParse("events.csv").success).toBe(true);
  });
});
