// Static checks that every entry point goes through the guard, so a route or action that
// forgets to authorize fails CI rather than shipping. The guarantee has two halves:
// 1. every page, server action file and route handler obtains the acting user from lib/auth
//    (requirePageUser / requireUser), except the routes listed as public;
// 2. every exported data function of a domain module takes that acting user first, so data
//    cannot be reached without one (and the function authorizes against the object itself).
import { readFileSync } from "node:fs";
import path from "node:path";
import { globSync } from "tinyglobby";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const files = (pattern: string) => globSync(pattern, { cwd: ROOT, expandDirectories: false }).sort();

// Public on purpose: next-auth's own endpoints and the load balancer's health check.
const PUBLIC_ROUTES = ["app/api/auth/[...nextauth]/route.ts", "app/api/health/route.ts"];
const PUBLIC_PAGES = ["app/(auth)/sign-in/page.tsx", "app/(auth)/sign-out/page.tsx", "app/page.tsx"];

describe("entry points", () => {
  it("every route handler authorizes, or is on the public list", () => {
    const routes = files("app/**/route.ts");
    expect(routes.length).toBeGreaterThan(2);
    const unguarded = routes.filter((f) => !PUBLIC_ROUTES.includes(f) && !/requireUser\(/.test(read(f)));
    expect(unguarded).toEqual([]);
  });

  it("every server action file authorizes in each action", () => {
    const actionFiles = files("app/**/actions.ts");
    expect(actionFiles.length).toBeGreaterThan(0);
    for (const file of actionFiles) {
      const source = read(file);
      expect(source.startsWith('"use server"'), `${file} must be a server action module`).toBe(true);
      expect(source, `${file} never calls requireUser`).toMatch(/requireUser\(/);
    }
  });

  it("every signed-in page requires a user", () => {
    const pages = files("app/**/page.tsx").filter((f) => !PUBLIC_PAGES.includes(f));
    const unguarded = pages.filter((f) => !/requirePageUser\(/.test(read(f)));
    expect(unguarded).toEqual([]);
  });

  it("app/ and components/ never touch the database directly", () => {
    const offenders = [...files("app/**/*.{ts,tsx}"), ...files("components/**/*.{ts,tsx}")].filter((f) =>
      /from "(@\/lib\/db|@\/lib\/db\/[^"]+|pg|@prisma\/[^"]+|@\/lib\/generated\/prisma\/client)"/.test(read(f)),
    );
    expect(offenders).toEqual([]);
  });

  it("every exported data function of a domain module takes the acting user first", () => {
    const modules = [
      ...files("lib/{cases,notes,releases,users,audit,timeline}/{queries,mutations,activity,import}.ts"),
      ...files("lib/evidence/{queries,mutations,upload,verify}.ts"),
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
