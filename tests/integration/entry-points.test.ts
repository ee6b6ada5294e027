// Static checks that every entry point goes through the guard, so a route or action that
// forgets to authorize fails CI rather than shipping. The guarantee has two halves:
// 1. every page, exported server action and route handler calls the guard (requirePageUser /
//    requireUser) before any other lib/ function, except the routes listed as public; the
//    parser-based check is tests/helpers/entry-point-guard.ts, tested on fixtures in
//    entry-point-guard.test.ts;
// 2. every exported data function of a domain module takes that acting user first, so data
//    cannot be reached without one (and the function authorizes against the object itself).
import { readFileSync } from "node:fs";
import path from "node:path";
import { globSync } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { EntryPointChecker, HTTP_METHODS } from "@/tests/helpers/entry-point-guard";
import { PUBLIC_ROUTES } from "@/tests/helpers/public-routes";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const files = (pattern: string) => globSync(pattern, { cwd: ROOT, expandDirectories: false }).sort();

const PUBLIC_PAGES = ["app/(auth)/sign-in/page.tsx", "app/(auth)/sign-out/page.tsx", "app/page.tsx"];

describe("entry points", () => {
  /** Each listed export of `file`, with the reason it fails the check (none when all pass). */
  function unguarded(file: string, guard: string, pick: (name: string) => boolean): string[] {
    const checker = new EntryPointChecker(file, read(file), guard);
    const names = checker.exports().filter(pick);
    if (names.length === 0) return [`${file}: exports nothing to check`];
    return names.flatMap((name) => {
      const verdict = checker.check(name);
      if (verdict.kind === "guarded") return [];
      return [`${file} ${name}: ${verdict.kind === "none" ? `never calls ${guard}()` : verdict.reason}`];
    });
  }

  it("every route handler calls requireUser before anything else of lib/, or is on the public list", () => {
    const routes = files("app/**/route.ts").filter((f) => !PUBLIC_ROUTES.includes(f));
    expect(routes.length).toBeGreaterThan(2);
    expect(routes.flatMap((f) => unguarded(f, "requireUser", (name) => HTTP_METHODS.includes(name)))).toEqual([]);
  });

  it("the password sign-in refuses another site's request before anything else of lib/", () => {
    // It is public (no requireUser), so its first check is the origin: a cross-site form could
    // otherwise sign a visitor in to an account of the attacker's choosing.
    const file = "app/api/auth/sign-in/route.ts";
    expect(PUBLIC_ROUTES).toContain(file);
    expect(unguarded(file, "requireSameOrigin", (name) => HTTP_METHODS.includes(name))).toEqual([]);
  });

  it("every exported server action calls requireUser before anything else of lib/", () => {
    const actionFiles = files("app/**/actions.ts");
    expect(actionFiles.length).toBeGreaterThan(0);
    for (const file of actionFiles) {
      expect(read(file).startsWith('"use server"'), `${file} must be a server action module`).toBe(true);
    }
    expect(actionFiles.flatMap((f) => unguarded(f, "requireUser", () => true))).toEqual([]);
  });

  it("every signed-in page calls requirePageUser before anything else of lib/", () => {
    const pages = files("app/**/page.tsx").filter((f) => !PUBLIC_PAGES.includes(f));
    expect(pages.flatMap((f) => unguarded(f, "requirePageUser", (name) => name === "default"))).toEqual([]);
  });

  it("app/ and components/ never touch the database directly", () => {
    const offenders = [...files("app/**/*.{ts,tsx}"), ...files("components/**/*.{ts,tsx}")].filter((f) =>
      /from "(@\/lib\/db|@\/lib\/db\/[^"]+|pg|@prisma\/[^"]+|@\/lib\/generated\/prisma\/client)"/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  it("every exported data function of a domain module takes the acting user first", () => {
    const modules = [
      ...files("lib/{cases,notes,releases,users,audit,timeline}/{queries,mutations,activity,import,own-account}.ts"),
      ...files("lib/evidence/{queries,mutations,upload,verify}.ts"),
      ...files("lib/summary/{portfolio,brief,enforcement,findings}.ts"),
    ];
    expect(modules.length).toBeGreaterThan(4);
    const offenders: string[] = [];
    for (const file of modules) {
      for (const match of read(file).matchAll(/export async function (\w+)\(([^)]*)/g)) {
        if (!/^actor: TActor/.test(match[2]!.trim())) offenders.push(`${file}: ${match[1]}(${match[2]})`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
