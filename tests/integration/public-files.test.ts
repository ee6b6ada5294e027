// public/ is served as is: the manifest must name icons that exist, at the sizes it claims, and
// the layout must point at files that are there.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const PUBLIC = path.resolve(import.meta.dirname, "../../public");
const pngSize = (file: string) => {
  const b = readFileSync(path.join(PUBLIC, file));
  expect(b.subarray(1, 4).toString("latin1"), `${file} is a PNG`).toBe("PNG");
  return `${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`;
};

describe("public files", () => {
  it("the web manifest names icons that exist at the sizes it claims", () => {
    const manifest = JSON.parse(readFileSync(path.join(PUBLIC, "manifest.webmanifest"), "utf8")) as {
      name: string;
      start_url: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest.name).toBe("Casebridge");
    expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
    for (const icon of manifest.icons) {
      expect(existsSync(path.join(PUBLIC, icon.src)), icon.src).toBe(true);
      if (icon.type === "image/png") expect(pngSize(icon.src)).toBe(icon.sizes);
    }
  });

  it("the favicon holds 16, 32 and 48 px images, and the apple icon is 180 px", () => {
    const ico = readFileSync(path.join(PUBLIC, "favicon.ico"));
    expect(ico.readUInt16LE(2)).toBe(1); // type: icon
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + 16 * i]);
    expect(sizes).toEqual([16, 32, 48]);
    expect(pngSize("apple-touch-icon.png")).toBe("180x180");
  });

  it("every file the root layout links is in public/", () => {
    const layout = readFileSync(path.resolve(PUBLIC, "../app/layout.tsx"), "utf8");
    const linked = [...layout.matchAll(/"\/([\w.-]+\.(?:ico|svg|png|webmanifest))"/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThanOrEqual(4);
    for (const file of linked) expect(existsSync(path.join(PUBLIC, file)), file).toBe(true);
  });
});
