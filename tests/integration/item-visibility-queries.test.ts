// Static check that every read of an item table applies the owner-organisation-only rule from
// one place: lib/auth/visibility.ts (visibleItemWhere for Prisma, visibleItemSql for raw SQL).
// A query on Note, Evidence or TimelineEvent — Prisma findMany/findFirst/findUnique/count/
// aggregate/groupBy, or raw SQL reading FROM/JOIN those tables — must use one of them, directly
// or through a variable of its function built from them (or timelineWhere, which embeds
// visibleItemSql), or carry a `// visibility: <reason>` comment saying why it need not (a load
// by id that the policy then decides, a blob reference count never shown to anyone).
import { readFileSync } from "node:fs";
import path from "node:path";
import { globSync } from "tinyglobby";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ITEM_MODELS = new Set(["note", "evidence", "timelineEvent"]);
const READS = new Set([
  "findMany",
  "findFirst",
  "findFirstOrThrow",
  "findUnique",
  "findUniqueOrThrow",
  "count",
  "aggregate",
  "groupBy",
]);
const ITEM_SQL = /\b(FROM|JOIN)\s+"(Note|Evidence|TimelineEvent)"/i;
const RULE = /\b(visibleItemWhere|visibleItemSql|timelineWhere)\(/;
const ALLOWED = /\/\/\s*visibility:\s*\S.{10,}/;

type TFinding = { file: string; line: number; query: string };

/** The variables declared in `scope`, by name, with their initializers. */
function declarations(scope: ts.Node): Map<string, ts.Node> {
  const found = new Map<string, ts.Node>();
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      found.set(node.name.text, node.initializer);
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return found;
}

/** The variables `node` reads (identifiers in value position: not property names). */
function readsOf(node: ts.Node): string[] {
  const names: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isShorthandPropertyAssignment(n)) names.push(n.name.text);
    else if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isName = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n);
      if (!isName) names.push(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/** Whether `node` applies the rule, itself or through variables of its function (a few levels deep). */
function appliesRule(node: ts.Node, source: ts.SourceFile, vars: Map<string, ts.Node>, depth = 0): boolean {
  if (RULE.test(node.getText(source))) return true;
  if (depth > 3) return false;
  return readsOf(node).some((n) => vars.has(n) && appliesRule(vars.get(n)!, source, vars, depth + 1));
}

function enclosing<T extends ts.Node>(node: ts.Node, test: (n: ts.Node) => n is T): T | undefined {
  for (let n = node.parent; n; n = n.parent) if (test(n)) return n;
  return undefined;
}

const isFunction = (n: ts.Node): n is ts.FunctionLikeDeclaration => ts.isFunctionLike(n);
const isStatement = (n: ts.Node): n is ts.Statement => ts.isStatement(n) || ts.isVariableStatement(n);

export function uncheckedItemQueries(file: string, text: string): TFinding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: TFinding[] = [];
  const check = (node: ts.Node, query: string) => {
    const fn = enclosing(node, isFunction);
    if (appliesRule(node, source, declarations(fn ?? source))) return;
    const statement = enclosing(node, isStatement);
    const comments = (ts.getLeadingCommentRanges(text, (statement ?? node).getFullStart()) ?? []).map((c) =>
      text.slice(c.pos, c.end),
    );
    if (comments.some((c) => ALLOWED.test(c))) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    findings.push({ file, line, query });
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const target = node.expression.expression;
      if (READS.has(method) && ts.isPropertyAccessExpression(target) && ITEM_MODELS.has(target.name.text))
        check(node, `${target.name.text}.${method}`);
    }
    if (ts.isTaggedTemplateExpression(node) && ITEM_SQL.test(node.template.getText(source)))
      check(node, node.template.getText(source).match(ITEM_SQL)![0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

describe("item visibility in queries", () => {
  const files = globSync("lib/**/*.ts", { cwd: ROOT, ignore: ["lib/generated/**", "**/*.test.ts"] }).sort();

  it("every query on an item table applies visibleItemWhere / visibleItemSql or says why not", () => {
    expect(files.length).toBeGreaterThan(20);
    const findings = files.flatMap((f) => uncheckedItemQueries(f, readFileSync(path.join(ROOT, f), "utf8")));
    expect(findings).toEqual([]);
  });

  it("timelineWhere, which the timeline's SQL reads through, embeds visibleItemSql", () => {
    const sql = readFileSync(path.join(ROOT, "lib/timeline/sql.ts"), "utf8");
    const body = sql.slice(sql.indexOf("export function timelineWhere"));
    expect(body.slice(0, body.indexOf("\n}\n"))).toMatch(/visibleItemSql\(actor, "e"\)/);
  });

  it("the check fails on a query that skips the rule, even beside one that applies it", () => {
    const source = `
      async function list(actor, caseId) {
        const where = { caseId, ...visibleItemWhere(actor) };
        await db.note.findMany({ where });
        await db.evidence.count({ where: { caseId } });
        await db.$queryRaw\`SELECT id FROM "TimelineEvent" e WHERE e."caseId" = \${caseId}\`;
        // visibility: loads one item by id; the policy decides right after.
        await db.timelineEvent.findFirst({ where: { id: caseId } });
        // visibility:
        await db.note.findUnique({ where: { id: caseId } });
      }`;
    expect(uncheckedItemQueries("x.ts", source).map((f) => f.query)).toEqual([
      "evidence.count",
      'FROM "TimelineEvent"',
      "note.findUnique",
    ]);
  });
});
