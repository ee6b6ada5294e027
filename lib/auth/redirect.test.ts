import { describe, expect, it } from "vitest";
import { isReadableCallbackUrl, safeCallbackPath, safeRedirect } from "@/lib/auth/redirect";

const BASE = "http://localhost:3000";

describe("sign-in return addresses", () => {
  it("a malformed callbackUrl is no error and goes nowhere else", () => {
    expect(safeRedirect("http://localhost:3000x", BASE)).toBe(BASE);
    expect(safeRedirect("http://[::1", BASE)).toBe(BASE);
    expect(safeCallbackPath("http://localhost:3000x")).toBe("/");
  });

  it("another site is never followed", () => {
    for (const url of ["https://evil.example/", "//evil.example/x", "http://localhost:3001/cases", "/\\evil.example"]) {
      expect(safeRedirect(url, BASE), url).toBe(BASE);
      expect(safeCallbackPath(url), url).toMatch(/^\/(?!\/)/);
    }
    expect(safeCallbackPath("https://evil.example/cases")).toBe("/");
  });

  it("this site's own paths are kept", () => {
    expect(safeRedirect("/cases/1?tab=notes", BASE)).toBe(`${BASE}/cases/1?tab=notes`);
    expect(safeRedirect(`${BASE}/cases`, BASE)).toBe(`${BASE}/cases`);
    expect(safeCallbackPath("/cases/1?x=2#y")).toBe("/cases/1?x=2#y");
  });

  it("a callbackUrl next-auth could not read is told apart from one it can", () => {
    for (const bad of ["http://localhost:3000x", "javascript:alert(1)", "http://[::1", "not a url"])
      expect(isReadableCallbackUrl(bad, BASE), bad).toBe(false);
    for (const ok of ["", "/cases", "http://localhost:3000/cases", "https://evil.example/"])
      expect(isReadableCallbackUrl(ok, BASE), ok).toBe(true);
  });
});
