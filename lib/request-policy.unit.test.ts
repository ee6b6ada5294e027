import { describe, expect, it } from "vitest";
import { ZFileName } from "@/lib/evidence/schemas";
import { ZImportFileName } from "@/lib/timeline/import-schemas";
import {
  crossSiteRefusal,
  hasBidiControls,
  hasMalformedEscapes,
  actionBodyRefusal,
  ACTION_BODY_LIMIT,
  markBidiControls,
  ownOrigins,
  pageCsp,
} from "@/lib/request-policy";

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

describe("hasMalformedEscapes", () => {
  it("finds percent-escapes that are not UTF-8, and passes the rest", () => {
    for (const bad of ["/api/cases/%ED%A0%80/timeline", "/cases/%E0%A4%A", "/x/%FF", "/x/%"]) {
      expect(hasMalformedEscapes(bad), bad).toBe(true);
    }
    for (const good of ["/api/cases/abc/timeline", "/cases/%41bc", "/x/%C3%A9", "/x/%00"]) {
      expect(hasMalformedEscapes(good), good).toBe(false);
    }
  });
});

describe("actionBodyRefusal", () => {
  const action = { "next-action": "abc", "content-type": "multipart/form-data; boundary=x" };
  const copyOf = (entries: [string, string | File][]) => () => {
    const f = new FormData();
    for (const [k, v] of entries) f.append(k, v);
    return new Request("http://x/", { method: "POST", body: f });
  };
  const refusal = (headers: Record<string, string>, copy: () => Pick<Request, "arrayBuffer" | "formData" | "text">) =>
    actionBodyRefusal("POST", h(headers), copy);
  it("lets our own forms' bodies through, control characters in values included", async () => {
    expect(
      await refusal(
        action,
        copyOf([
          ["1_title", "a\u0000b"],
          ["0", '["$K1"]'],
        ]),
      ),
    ).toBeNull();
    expect(await refusal(action, copyOf([["1_file", new File(["x"], "log.csv")]]))).toBeNull();
  });
  it("refuses control characters in field or file names, and a body that cannot be read", async () => {
    expect((await refusal(action, copyOf([["1_\u0000", "x"]])))?.reason).toMatch(/field name/);
    expect((await refusal(action, copyOf([["1_f", new File(["x"], "a\nb.csv")]])))?.reason).toMatch(/file name/);
    const broken = () => new Request("http://x/", { method: "POST", body: "--x\r\nnonsense" });
    expect(await refusal(action, broken)).toMatchObject({ status: 400, reason: /cannot be read/ });
  });
  it("refuses a body over Next's limit, declared or not, with 413", async () => {
    const big = () => new Request("http://x/", { method: "POST", body: "x".repeat(ACTION_BODY_LIMIT + 1) });
    expect(await refusal({ "next-action": "a", "content-length": String(ACTION_BODY_LIMIT + 1) }, big)).toMatchObject({
      status: 413,
    });
    expect(await refusal({ "next-action": "a", "content-type": "text/plain" }, big)).toMatchObject({ status: 413 });
    const fits = () => new Request("http://x/", { method: "POST", body: "[]" });
    expect(await refusal({ "next-action": "a", "content-type": "text/plain" }, fits)).toBeNull();
  });
  it("refuses arguments that are not JSON or refer to parts the body does not hold", async () => {
    const text = (body: string) => () => new Request("http://x/", { method: "POST", body });
    const plain = { "next-action": "a", "content-type": "text/plain;charset=UTF-8" };
    for (const ok of ['["id",{"ok":false,"conflict":"$undefined"},"$K1"]', '["$$5 off", "$D2026-01-01", "$n12"]', "[]"])
      expect(await refusal(plain, text(ok)), ok).toBeNull();
    for (const bad of ['["$@1"]', '[{"a":["$1"]}]', '["$Q2"]', '["$nabc"]', "[", "\u0000"])
      expect(await refusal(plain, text(bad)), bad).toMatchObject({ status: 400 });
    expect(
      await refusal(
        action,
        copyOf([
          ["_1_body", "x"],
          ["0", '["id",null,"$K1"]'],
        ]),
      ),
    ).toBeNull();
    expect(
      await refusal(
        action,
        copyOf([
          ["_1_body", "x"],
          ["0", '["$T1"]'],
        ]),
      ),
    ).toMatchObject({ status: 400 });
  });
  it("looks only at server action posts", async () => {
    const never = () => {
      throw new Error("read");
    };
    expect(await refusal({ "content-type": "multipart/form-data" }, never)).toBeNull();
    expect(await actionBodyRefusal("GET", h(action), never)).toBeNull();
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
