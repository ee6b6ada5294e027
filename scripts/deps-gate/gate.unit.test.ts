import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findings, installedCopies, type TAdvisoryList } from "./gate";

const LIST = JSON.parse(readFileSync(path.join(import.meta.dirname, "advisories.json"), "utf8")) as TAdvisoryList;
const lockWith = (packages: Record<string, string>) => ({
  packages: { "": {}, ...Object.fromEntries(Object.entries(packages).map(([p, version]) => [p, { version }])) },
});
const ids = (packages: Record<string, string>) =>
  findings(installedCopies(lockWith(packages), LIST.watched), LIST).map(
    (f) => `${f.name}@${f.version} ${f.advisory.id}`,
  );

describe("dependency gate", () => {
  it("passes this checkout's package-lock.json", () => {
    const lock = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../package-lock.json"), "utf8"));
    const copies = installedCopies(lock, LIST.watched);
    expect(copies.map((c) => c.name)).toEqual(
      expect.arrayContaining(["next", "react", "next-auth", "pg", "@prisma/client"]),
    );
    expect(findings(copies, LIST)).toEqual([]);
  });

  it("fails an affected version, at the boundaries of its range, and passes the fixed one", () => {
    expect(ids({ "node_modules/next": "16.0.6" })).toEqual([
      "next@16.0.6 CVE-2025-66478",
      "next@16.0.6 CVE-2025-55184",
    ]);
    expect(ids({ "node_modules/next": "16.0.7" })).toEqual(["next@16.0.7 CVE-2025-55184"]);
    expect(ids({ "node_modules/next": "16.0.10" })).toEqual([]);
    expect(ids({ "node_modules/next": "15.2.2" })).toContain("next@15.2.2 CVE-2025-29927");
    expect(ids({ "node_modules/pg": "7.1.1" })).toEqual(["pg@7.1.1 GHSA-wc9v-mj63-m9g5"]);
    expect(ids({ "node_modules/pg": "8.23.1" })).toEqual([]);
  });

  it("finds a nested copy, and ignores packages it does not watch", () => {
    expect(ids({ "node_modules/some-lib/node_modules/next-auth": "4.8.0", "node_modules/left-pad": "0.0.1" })).toEqual([
      "next-auth@4.8.0 CVE-2022-31127",
    ]);
  });

  it("counts only high and critical advisories", () => {
    const list: TAdvisoryList = {
      ...LIST,
      advisories: [{ id: "X-1", package: "pg", severity: "moderate", title: "t", vulnerable: "<9" }],
    };
    expect(findings(installedCopies(lockWith({ "node_modules/pg": "8.0.0" }), list.watched), list)).toEqual([]);
  });

  it("refuses a list it cannot apply: an unwatched package, a range that is not one", () => {
    const copies = installedCopies(lockWith({ "node_modules/pg": "8.0.0" }), LIST.watched);
    const bad = (a: Partial<TAdvisoryList["advisories"][number]>): TAdvisoryList => ({
      ...LIST,
      advisories: [{ id: "X-2", package: "pg", severity: "high", title: "t", vulnerable: "<9", ...a }],
    });
    expect(() => findings(copies, bad({ package: "lodash" }))).toThrow(/not watched/);
    expect(() => findings(copies, bad({ vulnerable: "before nine" }))).toThrow(/not a semver range/);
  });
});
