import ts from "typescript";

// A static check, with the TypeScript parser, that an entry point (route handler, server action,
// page) CALLS its guard before anything else of lib/. It follows what a handler runs, in the
// order it runs it (a call's arguments before the call): local functions and the functions
// local factories return, callbacks passed to the wrappers that run them (route, runAction),
// and immediately invoked functions. A function merely defined (a stream's pull callback) is
// not run there, so it is not followed. Anything it cannot follow is reported, not assumed safe.

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** lib/ functions that only run the callback they are given: the callback is what runs. */
const WRAPPERS = new Set(["route", "runAction"]);
/** lib/ modules that may run before the guard: parsing input touches no data. */
const PURE_MODULE = /^@\/lib\/(?:[\w-]+\/schemas|validation|errors)$/;

export type TVerdict =
  | { kind: "guarded" }
  | { kind: "unguarded"; reason: string }
  /** Ran nothing that matters: no guard and no lib/ call. */
  | { kind: "none" };

type TFunction = ts.FunctionLikeDeclaration;
type TEnv = Map<string, ts.Node>;

const NONE: TVerdict = { kind: "none" };

export class EntryPointChecker {
  private readonly source: ts.SourceFile;
  private readonly imports = new Map<string, string>(); // local name → module
  private readonly locals = new Map<string, ts.Node>(); // top-level function or const initializer
  private readonly exported = new Map<string, ts.Node>(); // exported name → what it is
  private readonly active = new Set<ts.Node>();

  constructor(
    fileName: string,
    text: string,
    private readonly guard: string,
  ) {
    this.source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    for (const statement of this.source.statements) this.index(statement);
  }

  /** Names exported by the module (`default` for a default export). */
  exports(): string[] {
    return [...this.exported.keys()];
  }

  /** Whether the export `name`, when run, calls the guard before any other lib/ function. */
  check(name: string): TVerdict {
    const node = this.exported.get(name);
    if (!node) return { kind: "unguarded", reason: `${name} is not exported` };
    return this.handler(node, new Map());
  }

  private index(statement: ts.Statement) {
    const isExported = ts.canHaveModifiers(statement)
      ? (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    const isDefault = ts.canHaveModifiers(statement)
      ? (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)
      : false;
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const bindings = statement.importClause;
      const from = statement.moduleSpecifier.text;
      if (bindings?.name) this.imports.set(bindings.name.text, from);
      const named = bindings?.namedBindings;
      if (named && ts.isNamedImports(named)) for (const el of named.elements) this.imports.set(el.name.text, from);
      if (named && ts.isNamespaceImport(named)) this.imports.set(named.name.text, from);
    } else if (ts.isFunctionDeclaration(statement)) {
      const name = statement.name?.text ?? "default";
      this.locals.set(name, statement);
      if (isExported) this.exported.set(isDefault ? "default" : name, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        this.locals.set(d.name.text, d.initializer);
        if (isExported) this.exported.set(d.name.text, d.initializer);
      }
    } else if (ts.isExportAssignment(statement)) {
      this.exported.set("default", statement.expression);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const el of statement.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        // Resolved lazily: the local may be declared further down.
        this.exported.set(el.name.text, ts.factory.createIdentifier(local));
      }
    }
  }

  /** What running the function that `node` evaluates to does first. */
  private handler(node: ts.Node, env: TEnv): TVerdict {
    const expr = unwrap(node);
    if (ts.isFunctionLike(expr)) return this.body(expr as TFunction, env);
    if (ts.isIdentifier(expr)) {
      const bound = env.get(expr.text) ?? this.locals.get(expr.text);
      if (bound) return this.handler(bound, env);
      return { kind: "unguarded", reason: `cannot follow ${expr.text}` };
    }
    if (ts.isCallExpression(expr)) {
      const callee = unwrap(expr.expression);
      if (ts.isIdentifier(callee) && WRAPPERS.has(callee.text) && this.isLib(callee.text))
        return this.callbacks(expr.arguments, env);
      const factory = ts.isIdentifier(callee) ? this.locals.get(callee.text) : undefined;
      if (factory && ts.isFunctionLike(unwrap(factory))) return this.made(unwrap(factory) as TFunction, expr, env);
    }
    return { kind: "unguarded", reason: `cannot follow the handler ${expr.getText(this.source).slice(0, 60)}` };
  }

  /** The function a local factory returns, its parameters bound to the arguments given. */
  private made(factory: TFunction, call: ts.CallExpression, env: TEnv): TVerdict {
    const inner = bind(factory, call.arguments, env);
    const returned: ts.Node[] = [];
    const body = factory.body;
    if (body && !ts.isBlock(body)) returned.push(body);
    else if (body) visitShallow(body, (n) => ts.isReturnStatement(n) && n.expression && returned.push(n.expression));
    if (returned.length === 0) return { kind: "unguarded", reason: "a factory that returns no function" };
    for (const r of returned) {
      const verdict = this.handler(r, inner);
      if (verdict.kind !== "guarded") return verdict;
    }
    return { kind: "guarded" };
  }

  private body(fn: TFunction, env: TEnv): TVerdict {
    if (!fn.body || this.active.has(fn)) return NONE; // recursion: nothing new
    this.active.add(fn);
    try {
      return this.first(fn.body, env);
    } finally {
      this.active.delete(fn);
    }
  }

  /** Runs the function arguments of a wrapper, in order. */
  private callbacks(args: ts.NodeArray<ts.Expression>, env: TEnv): TVerdict {
    for (const arg of args) {
      const verdict = ts.isFunctionLike(unwrap(arg)) || ts.isIdentifier(arg) ? this.handler(arg, env) : NONE;
      if (verdict.kind !== "none") return verdict;
    }
    return NONE;
  }

  /** The first thing that matters in `node`, in evaluation order. */
  private first(node: ts.Node, env: TEnv): TVerdict {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return NONE; // defined, not run
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      for (const child of [node.expression, ...(node.arguments ?? [])]) {
        const verdict = this.first(child, env);
        if (verdict.kind !== "none") return verdict;
      }
      return this.call(node, env);
    }
    let found: TVerdict = NONE;
    ts.forEachChild(node, (child) => {
      found = this.first(child, env);
      return found.kind !== "none" ? true : undefined;
    });
    return found;
  }

  private call(node: ts.CallExpression | ts.NewExpression, env: TEnv): TVerdict {
    const callee = unwrap(node.expression);
    if (ts.isFunctionLike(callee)) return this.body(callee as TFunction, env); // (() => …)()
    const root = rootIdentifier(callee);
    if (!root) return NONE;
    const name = root.text;
    const direct = ts.isIdentifier(callee);
    if (direct && name === this.guard && this.isLib(name)) return { kind: "guarded" };
    if (direct && env.has(name)) return this.handler(env.get(name)!, env);
    if (direct && this.locals.has(name)) {
      const local = unwrap(this.locals.get(name)!);
      if (ts.isFunctionLike(local) || ts.isCallExpression(local) || ts.isIdentifier(local))
        return this.handler(local, env);
      return NONE;
    }
    const from = this.imports.get(name);
    if (!from?.startsWith("@/lib/")) return NONE; // globals, methods of values, next/*
    if (direct && WRAPPERS.has(name) && ts.isCallExpression(node)) return this.callbacks(node.arguments, env);
    if (PURE_MODULE.test(from)) return NONE;
    return { kind: "unguarded", reason: `${callee.getText(this.source)}() from ${from} runs before ${this.guard}()` };
  }

  private isLib(name: string): boolean {
    return this.imports.get(name)?.startsWith("@/lib/") ?? false;
  }
}

function unwrap(node: ts.Node): ts.Node {
  let n = node;
  while (
    ts.isParenthesizedExpression(n) ||
    ts.isAsExpression(n) ||
    ts.isSatisfiesExpression(n) ||
    ts.isNonNullExpression(n) ||
    ts.isAwaitExpression(n)
  )
    n = n.expression;
  return n;
}

function rootIdentifier(node: ts.Node): ts.Identifier | null {
  let n = node;
  while (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) n = n.expression;
  return ts.isIdentifier(n) ? n : null;
}

/** The factory's parameters bound to what the call passes (functions, usually). */
function bind(factory: TFunction, args: ts.NodeArray<ts.Expression>, env: TEnv): TEnv {
  const inner = new Map(env);
  factory.parameters.forEach((p, i) => {
    if (ts.isIdentifier(p.name) && args[i]) inner.set(p.name.text, args[i]);
  });
  return inner;
}

/** Visits `node`'s descendants, not entering nested functions. */
function visitShallow(node: ts.Node, visit: (n: ts.Node) => unknown) {
  ts.forEachChild(node, (child) => {
    visit(child);
    if (!ts.isFunctionLike(child)) visitShallow(child, visit);
  });
}
