import { readFileSync } from "node:fs";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { globSync } from "tinyglobby";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { AuditTable, detailText, targetHref } from "@/components/audit/audit-table";
import { hasAuditActionLabel } from "@/lib/audit/actions";

const row = (action: string, targetType: string) => ({
  occurredAt: new Date("2026-11-02T10:00:00Z"),
  action,
  actor: { id: "u1", name: "Ada Lead", email: "ada@example.org" },
  actorId: "u1",
  targetType,
  targetId: "f2b8a1c0-0000-4000-8000-000000000001",
  caseId: null,
  caseNumber: "CB-2026-001",
  ip: null,
  userAgent: null,
  details: {},
});

const CODE = /^[a-z_]+\.[a-z_]+$/;

/** The action codes among the string literals in `node` (every branch of a ternary, say). */
function codesIn(node: ts.Node, into: Set<string>) {
  if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CODE.test(node.text))
    into.add(node.text);
  ts.forEachChild(node, (child) => codesIn(child, into));
}

const nameOf = (node: ts.PropertyAssignment | ts.ShorthandPropertyAssignment) =>
  ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : "";

/**
 * The audit actions that sources record, read from their syntax (so a ternary split over lines
 * is read whole): the codes given as an object's `action` (in any branch, or through a variable
 * of that name; a type's `action: "a" | "b"` is not an object's), those passed to a file's own
 * `audit(…)` helper, and the import jobs' codes built as `${kind.audit}_<step>`. `unread` names
 * the audit records (objects with a target type) whose action is none of these.
 */
function actionsIn(files: { file: string; text: string }[]): { actions: string[]; unread: string[] } {
  const found = new Set<string>();
  const prefixes = new Set<string>();
  const steps = new Set<string>();
  const unread: string[] = [];
  for (const { file, text } of files) {
    const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
    // A file that does not parse would lose what follows the error without a word.
    const errors = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    if (errors.length)
      throw new Error(`${file} does not parse: ${ts.flattenDiagnosticMessageText(errors[0]!.messageText, " ")}`);
    const variables = new Map<string, ts.Expression[]>();
    const shorthand: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
        variables.set(node.name.text, [...(variables.get(node.name.text) ?? []), node.initializer]);
      if (ts.isPropertyAssignment(node) && nameOf(node) === "action") {
        const codes = new Set<string>();
        codesIn(node.initializer, codes);
        codes.forEach((code) => found.add(code));
        // An audit record (it names a target type) whose action is not written out here.
        const record = node.parent;
        const names = record.properties.map((p) =>
          ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? nameOf(p) : "",
        );
        if (!codes.size && names.includes("targetType"))
          unread.push(`${file}: action ${node.initializer.getText(source)}`);
      }
      if (ts.isShorthandPropertyAssignment(node) && nameOf(node) === "action") shorthand.push(node.name.text);
      if (ts.isPropertyAssignment(node) && nameOf(node) === "audit" && ts.isStringLiteral(node.initializer))
        prefixes.add(node.initializer.text);
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : "";
        if (name === "audit") for (const arg of node.arguments) codesIn(arg, found);
      }
      if (
        ts.isTemplateSpan(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === "audit"
      ) {
        const step = /^_[a-z_]+/.exec(node.literal.text)?.[0];
        if (step) steps.add(step);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const name of shorthand) for (const init of variables.get(name) ?? []) codesIn(init, found);
  }
  for (const prefix of prefixes) for (const step of steps) found.add(prefix + step);
  return { actions: [...found].sort(), unread: unread.sort() };
}

/** The actions of the app's own sources (tests and generated code aside). */
function recordedActions(): { actions: string[]; unread: string[] } {
  const files = globSync(["lib/**/*.{ts,tsx}", "app/**/*.{ts,tsx}"], {
    cwd: process.cwd(),
    ignore: ["lib/generated/**", "**/*.test.{ts,tsx}"],
  });
  return actionsIn(files.map((file) => ({ file, text: readFileSync(path.join(process.cwd(), file), "utf8") })));
}

describe("the audit log's actions in words", () => {
  it("shows each action as words with its recorded code beneath, and the target's kind in words", () => {
    const html = renderToStaticMarkup(
      <AuditTable rows={[row("usage.imported", "import_job"), row("case.some_new_thing", "timeline_event")]} />,
    );
    expect(html).toContain("Imported API usage");
    expect(html).toContain("usage.imported");
    expect(html).toContain("Import job");
    expect(html).not.toContain(">import_job<");
    // An action with no label yet reads as its code made plain, never as nothing.
    expect(html).toContain("Case: some new thing");
    expect(html).toContain("Timeline event");
  });

  it("says details in words: codes as words, sizes as sizes, empty filters left out", () => {
    expect(
      detailText({
        kind: "KEY_REVOKED",
        visibility: "OWNER_ORG_ONLY",
        size: 1_852_717,
        filters: { category: [], q: "" },
        preset: "gateway",
        sha256: "ab12",
      }),
    ).toBe(
      "Kind: Key revoked · Visibility: the owner organisation only · Size: 1.8 MiB · Preset: gateway · Sha256: ab12",
    );
    expect(detailText({ orgOnly: "org-a", name: "Cluster A" }, "org-a")).toBe(
      "Seen by your organisation only · Name: Cluster A",
    );
    expect(detailText({ orgOnly: "org-a" }, "org-b")).toBe("Seen by one organisation only");
    expect(detailText({ filters: { category: ["PAYMENT", "API_ACCESS"], q: "acct" } })).toBe(
      "Filters: category Payment, Api access, q acct",
    );
    // What people typed is shown as typed, codes or not; a status change reads as words both ways.
    expect(detailText({ batesPrefix: "ACME_PROD", value: "AS13335", name: "constructor", keyId: "KEY_AB12CD" })).toBe(
      "Bates prefix: ACME_PROD · Value: AS13335 · Name: constructor · Key id: KEY_AB12CD",
    );
    expect(detailText({ from: "NEW", to: "OPEN", visibility: "__proto__" })).toBe(
      "From: New · To: Open · Visibility: __proto__",
    );
  });

  it("links a target to its page where it has one, and to nothing where it has not", () => {
    const id = "f2b8a1c0-0000-4000-8000-000000000001";
    const inCase = (action: string, targetType: string) => ({
      action,
      targetType,
      targetId: id,
      caseId: "c0ffee00-0000-4000-8000-000000000002",
    });
    expect(targetHref(inCase("evidence.uploaded", "evidence"))).toBe(
      `/cases/c0ffee00-0000-4000-8000-000000000002/evidence/${id}`,
    );
    expect(targetHref(inCase("usage.imported", "import_job"))).toBe(
      `/cases/c0ffee00-0000-4000-8000-000000000002/usage/imports/${id}`,
    );
    expect(targetHref(inCase("timeline.imported", "import_job"))).toBeNull();
    expect(targetHref(inCase("user.created", "user"))).toBeNull();
    expect(targetHref(inCase("linkage.cluster_viewed", "entity"))).toBe(
      `/cases/c0ffee00-0000-4000-8000-000000000002/linkages/clusters/${id}`,
    );
    expect(targetHref({ action: "case.created", targetType: "case", targetId: id, caseId: null })).toBe(`/cases/${id}`);
    expect(targetHref({ ...inCase("evidence.uploaded", "evidence"), targetId: "../../admin" })).toBeNull();
    const html = renderToStaticMarkup(<AuditTable rows={[{ ...row("evidence.uploaded", "evidence"), caseId: id }]} />);
    expect(html).toContain(`href="/cases/${id}/evidence/f2b8a1c0-0000-4000-8000-000000000001"`);
  });

  it("finds actions by syntax: across lines, through a variable, in a helper; never in a type or a comment", () => {
    const text = [
      'type TEntry = { action: "type.only" | "type.other" };',
      '// action: "comment.only"',
      "const action = restored",
      '  ? "case.restored_x"',
      '  : "case.archived_x";',
      'await recordAudit({ action, targetType: "case" });',
      "await recordAudit({",
      "  action:",
      '    kind === "a"',
      '      ? "timeline.split_a"',
      '      : "timeline.split_b",',
      '  details: { note: "not.an_action" },',
      "});",
      'await audit(tx, "evidence.helper_x", id);',
      'const kinds = { usage: { audit: "usage.job" } };',
      "const code = `${kind.audit}_started`;",
      // A generic arrow: read as TSX, this file would stop parsing here and lose the rest.
      "const same = <T>(x: T) => x;",
      'await recordAudit({ action: refusedAs.action, targetType: "user" });',
      'await recordAudit({ action: "user.after_generic", targetType: "user" });',
    ].join("\n");
    expect(actionsIn([{ file: "sample.ts", text }])).toEqual({
      actions: [
        "case.archived_x",
        "case.restored_x",
        "evidence.helper_x",
        "timeline.split_a",
        "timeline.split_b",
        "usage.job_started",
        "user.after_generic",
      ],
      // What the scan cannot read, so that a new indirection is looked at rather than missed.
      unread: ["sample.ts: action refusedAs.action"],
    });
    expect(() => actionsIn([{ file: "broken.ts", text: "recordAudit({ action: " }])).toThrow(
      /broken.ts does not parse/,
    );
  });

  it("has a label for every action the app records", () => {
    const { actions, unread } = recordedActions();
    // Objects with an action and a target type whose action is not written where they are. The
    // recorder passes its input on, and an export writes rows already stored. The import jobs
    // build their codes as `${kind.audit}_<step>`, and a refused proof's code is written, as
    // `action:`, where each caller passes it: both are read above.
    expect(unread).toEqual([
      "lib/audit/record.ts: action input.action",
      "lib/auth/own-proof.ts: action refusedAs.action",
      "lib/jobs/imports.ts: action audit",
      "lib/productions/bundle.ts: action a.action",
    ]);
    // Written out, in ternaries, through a helper, and built by the import jobs.
    for (const code of ["usage.imported", "user.enabled", "timeline.category_deleted", "usage.import_committing"])
      expect(actions).toContain(code);
    expect(actions).not.toContain("timeline.create"); // a permission named in a type, not an action
    expect(actions.filter((a) => !hasAuditActionLabel(a))).toEqual([]);
  });
});
