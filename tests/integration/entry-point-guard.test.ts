import { describe, expect, it } from "vitest";
import { EntryPointChecker } from "@/tests/helpers/entry-point-guard";

// The entry-point checker on small fixtures: it must pass what calls the guard first and fail
// what reaches lib/ first, in every form a handler or action can take.

const IMPORTS = `
import { requireUser } from "@/lib/auth/guards";
import { route } from "@/lib/http";
import { runAction } from "@/lib/action-state";
import { listCases, getCase } from "@/lib/cases/queries";
import * as cases from "@/lib/cases/mutations";
import { ZCaseFilters } from "@/lib/cases/schemas";
`;

const verdict = (body: string, name: string, guard = "requireUser") =>
  new EntryPointChecker("fixture.ts", IMPORTS + body, guard).check(name).kind;

const GUARDED: [string, string, string][] = [
  [
    "route() wrapper",
    "GET",
    `export const GET = route(async (request) => { const user = await requireUser(); return Response.json(await listCases(user)); });`,
  ],
  [
    "async function",
    "POST",
    `export async function POST(request: Request) { const user = await requireUser(); await cases.createCase(user, {}); return new Response(); }`,
  ],
  [
    "async generator",
    "GET",
    `export async function* GET() { const user = await requireUser(); yield await listCases(user); }`,
  ],
  [
    "const arrow",
    "DELETE",
    `export const DELETE = async () => { const user = await requireUser(); await cases.deleteCase(user); return new Response(); };`,
  ],
  [
    "the guard as an argument, evaluated before the call",
    "PUT",
    `export async function PUT() { return Response.json(await getCase(await requireUser(), "id")); }`,
  ],
  [
    "input parsed before the guard",
    "PATCH",
    `export const PATCH = route(async (request) => { const f = ZCaseFilters.parse({}); const url = new URL(request.url); const user = await requireUser(); return Response.json(await listCases(user, f)); });`,
  ],
  [
    "server action through runAction",
    "saveAction",
    `export async function saveAction(state: unknown, form: FormData) { return runAction(async () => { const actor = await requireUser(); await cases.updateCase(actor, form); }); }`,
  ],
  [
    "server action through a local factory",
    "updateAction",
    `function caseAction(body: (actor: unknown) => Promise<unknown>) {
       return async (id: string) => runAction(async () => { const actor = await requireUser(); await body(actor); });
     }
     const updateImpl = caseAction((actor) => cases.updateCase(actor));
     export async function updateAction(id: string) { return updateImpl(id); }`,
  ],
  [
    "a stream callback defined before the guard is not run there",
    "GET",
    `export const GET = route(async () => { const body = new ReadableStream({ async pull() { await listCases(); } }); await requireUser(); return new Response(body); });`,
  ],
  [
    "export { handler as HEAD }",
    "HEAD",
    `async function handler() { await requireUser(); return new Response(); }\nexport { handler as HEAD };`,
  ],
];

const UNGUARDED: [string, string, string, "unguarded" | "none"][] = [
  [
    "route() wrapper that lists first",
    "GET",
    `export const GET = route(async () => { const all = await listCases(); await requireUser(); return Response.json(all); });`,
    "unguarded",
  ],
  [
    "async function that writes first",
    "POST",
    `export async function POST() { await cases.createCase({}); await requireUser(); return new Response(); }`,
    "unguarded",
  ],
  [
    "async generator that reads first",
    "GET",
    `export async function* GET() { yield await listCases(); await requireUser(); }`,
    "unguarded",
  ],
  [
    "const arrow that reads first",
    "DELETE",
    `export const DELETE = async () => { await getCase("x"); await requireUser(); return new Response(); };`,
    "unguarded",
  ],
  [
    "an argument read before the guard argument",
    "PUT",
    `export async function PUT() { return Response.json(await cases.updateCase(await getCase("x"), await requireUser())); }`,
    "unguarded",
  ],
  [
    "a lib call hidden in a local helper",
    "GET",
    `async function load() { return listCases(); }\nexport const GET = route(async () => { const all = await load(); await requireUser(); return Response.json(all); });`,
    "unguarded",
  ],
  [
    "an immediately invoked function that reads",
    "GET",
    `export async function GET() { await (async () => listCases())(); await requireUser(); return new Response(); }`,
    "unguarded",
  ],
  [
    "a server action whose factory reads before the guard",
    "updateAction",
    `function caseAction(body: (actor: unknown) => Promise<unknown>) {
       return async (id: string) => runAction(async () => { await body(null); await requireUser(); });
     }
     const updateImpl = caseAction(() => cases.updateCase(null));
     export async function updateAction(id: string) { return updateImpl(id); }`,
    "unguarded",
  ],
  [
    "a guard mentioned in a comment or string only",
    "GET",
    `// requireUser()\nexport async function GET() { return new Response("requireUser()"); }`,
    "none",
  ],
  [
    "a guard only in a callback that is never run",
    "GET",
    `export async function GET() { const later = () => requireUser(); return new Response(); }`,
    "none",
  ],
  [
    "a local function named like the guard",
    "GET",
    `export async function GET() { await fakeGuard(); await listCases(); }\nasync function fakeGuard() {}`,
    "unguarded",
  ],
  [
    "export { handler as GET } that reads first",
    "GET",
    `async function handler() { await listCases(); await requireUser(); }\nexport { handler as GET };`,
    "unguarded",
  ],
];

describe("the entry-point checker", () => {
  it.each(GUARDED)("passes: %s", (_label, name, body) => {
    expect(verdict(body, name)).toBe("guarded");
  });

  it.each(UNGUARDED)("fails: %s", (_label, name, body, expected) => {
    expect(verdict(body, name)).toBe(expected);
  });

  it("checks pages against requirePageUser, not requireUser", () => {
    const page = (body: string) =>
      new EntryPointChecker(
        "page.tsx",
        `import { requirePageUser } from "@/lib/page";\nimport { getCase } from "@/lib/cases/queries";\n${body}`,
        "requirePageUser",
      ).check("default").kind;
    expect(
      page(`export default async function Page() { const user = await requirePageUser(); return getCase(user); }`),
    ).toBe("guarded");
    expect(
      page(`export default async function Page() { const c = await getCase(); await requirePageUser(); return c; }`),
    ).toBe("unguarded");
  });

  it("a locally defined function named requireUser is not the guard", () => {
    const body = `async function requireUser() { return null; }\nexport async function GET() { await requireUser(); await listCases(); }`;
    expect(
      new EntryPointChecker(
        "fixture.ts",
        `import { listCases } from "@/lib/cases/queries";\n${body}`,
        "requireUser",
      ).check("GET").kind,
    ).toBe("unguarded");
  });
});
