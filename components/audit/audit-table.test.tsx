import { readFileSync } from "node:fs";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { globSync } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { AuditTable } from "@/components/audit/audit-table";
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

const CODE = /"([a-z_]+\.[a-z_]+)"/g;

/**
 * Every audit action the app's own code records (tests aside), as it is written there: the codes
 * on an `action:` line (ternaries included; not a type's `action: "a" | "b"`), those passed to a
 * file's own `audit(…)` helper, and the import jobs' codes built as `${kind.audit}_<step>`.
 */
function recordedActions(): string[] {
  const found = new Set<string>();
  const prefixes = new Set<string>();
  const steps = new Set<string>();
  const files = globSync(["lib/**/*.{ts,tsx}", "app/**/*.{ts,tsx}"], {
    cwd: process.cwd(),
    ignore: ["lib/generated/**", "**/*.test.{ts,tsx}"],
  });
  for (const file of files) {
    const text = readFileSync(path.join(process.cwd(), file), "utf8");
    for (const line of text.split("\n")) {
      const recorded = /\baction: (?!"[^"]*" \|)/.test(line) || /\baudit\(/.test(line);
      if (recorded) for (const m of line.matchAll(CODE)) found.add(m[1]!);
    }
    for (const m of text.matchAll(/\baudit: "([a-z_]+\.[a-z_]+)"/g)) prefixes.add(m[1]!);
    for (const m of text.matchAll(/\$\{kind\.audit\}(_[a-z_]+)/g)) steps.add(m[1]!);
  }
  for (const prefix of prefixes) for (const step of steps) found.add(prefix + step);
  return [...found].sort();
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

  it("has a label for every action the app records", () => {
    const actions = recordedActions();
    // Written out, in ternaries, through a helper, and built by the import jobs.
    for (const code of ["usage.imported", "user.enabled", "timeline.category_deleted", "usage.import_committing"])
      expect(actions).toContain(code);
    expect(actions).not.toContain("timeline.create"); // a permission named in a type, not an action
    expect(actions.filter((a) => !hasAuditActionLabel(a))).toEqual([]);
  });
});
