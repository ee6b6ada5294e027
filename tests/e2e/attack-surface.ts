import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";
import { globSync } from "tinyglobby";
import { DEMO_CASE_TITLE, ORIGIN } from "./helpers";
import { signedIn as signedInAt } from "./instances";
import { PUBLIC_ROUTES } from "@/tests/helpers/public-routes";

// What the attack suite and the fuzzer aim at, found in app/ and in the build so that a new
// route handler, page or server action is attacked without editing either spec.

const ROOT = path.resolve(import.meta.dirname, "../..");
const METHOD_EXPORT = /export (?:const|async function) (GET|POST|PUT|PATCH|DELETE|HEAD)\b/g;

/** Each route handler file as a URL template and the methods it exports; public ones only if listed. */
export function routeHandlers(publicToo: string[] = []) {
  return globSync("app/api/**/route.ts", { cwd: ROOT })
    .filter((f) => !PUBLIC_ROUTES.includes(f) || publicToo.includes(f))
    .sort()
    .map((file) => ({
      file,
      template: `/${path.dirname(file).replace(/^app\//, "")}`,
      methods: [...readFileSync(path.join(ROOT, file), "utf8").matchAll(METHOD_EXPORT)].map((m) => m[1]!),
    }));
}

/** A page module path as its URL template ("app/(app)/cases/[caseId]/page" → "/cases/[caseId]"). */
const pageUrl = (file: string) =>
  `/${path
    .dirname(file)
    .replace(/^app\//, "")
    .replace(/\([^)]+\)\/?/g, "")}`.replace(/\/$/, "") || "/";

/** Each signed-in page as a URL template (route groups dropped). */
export function appPages() {
  // (Parentheses are glob syntax: the route group is matched as a prefix instead.)
  return globSync("app/**/page.tsx", { cwd: ROOT })
    .filter((f) => f.startsWith("app/(app)/"))
    .sort()
    .map(pageUrl);
}

/**
 * Every server action of the production build (its action manifest): id, module, export, and a
 * page that serves it. `exported` is what app/ declares, for the coverage gate.
 */
export function serverActions() {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  const built = Object.entries(manifest.node)
    .map(([id, a]) => {
      // The page with the fewest parameters: a forged item id would only add a not-found render.
      const params = (p: string) => p.split("[").length;
      const page = Object.keys(a.workers).sort((x, y) => params(x) - params(y) || x.localeCompare(y))[0]!;
      return { id, file: a.filename, name: a.exportedName, page: pageUrl(page) };
    })
    .sort((a, b) => `${a.file}#${a.name}`.localeCompare(`${b.file}#${b.name}`));
  // Each exported action's parameters as declared ("caseId: string" → { name, type }).
  const declared = new Map(
    globSync("app/**/actions.ts", { cwd: ROOT }).flatMap((file) =>
      [...readFileSync(path.join(ROOT, file), "utf8").matchAll(/export async function (\w+)\(([^)]*)\)/g)].map(
        (m) =>
          [
            `${file}#${m[1]}`,
            m[2]!
              .split(",")
              .map((p) => p.trim())
              .filter(Boolean)
              .map((p) => ({ name: p.split(":")[0]!.trim(), type: (p.split(":")[1] ?? "").trim() })),
          ] as const,
      ),
    ),
  );
  const exported = [...declared.keys()].sort();
  return { built: built.map((a) => ({ ...a, params: declared.get(`${a.file}#${a.name}`) ?? [] })), exported };
}

// Ids to put into templates. An unknown parameter name fails the coverage gates, so a new kind
// of route has to be given one here (and so is attacked) before it can ship.
export const FORGED = "00000000-0000-4000-8000-000000000000";
export const fill = (template: string, caseId: string, other = FORGED) =>
  template.replace(/\[(\w+)\]/g, (_, name: string) => {
    if (name === "caseId") return caseId;
    if (["evidenceId", "eventId", "jobId", "clusterId", "entityId", "linkId", "userId", "productionId"].includes(name))
      return other;
    throw new Error(`No id for [${name}]: add it to tests/e2e/attack-surface.ts so the new route is attacked.`);
  });

/** An API client signed in with the demo password (no browser). */
export const signedIn = (email: string): Promise<APIRequestContext> => signedInAt(ORIGIN, email);

/**
 * The demo case's id, found by its title (earlier specs add cases, so it may not be on page one,
 * and cases.spec.ts renames it "… (confirmed)").
 */
export async function demoCaseId(api: APIRequestContext): Promise<string> {
  const response = await api.get(`/api/cases?q=${encodeURIComponent(DEMO_CASE_TITLE)}`);
  const { items } = (await response.json()) as { items: { id: string; title: string }[] };
  const found = items.find((c) => c.title.startsWith(DEMO_CASE_TITLE));
  expect(found, "the demo case").toBeTruthy();
  return found!.id;
}

/**
 * A server action call's body as React's client encodes it: the form's fields ("_1_" + name),
 * then the root "0", the arguments in JSON, where "$K1" stands for that form. The decoder reads
 * the fields in the order they came, so the root goes last.
 */
export function actionReply(rootJson: string, fields: Record<string, string>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(`_1_${name}`, value);
  body.append("0", rootJson);
  return body;
}
