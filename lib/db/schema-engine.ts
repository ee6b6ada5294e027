// Prisma's schema engine compiled to WebAssembly: applies and creates migrations without the
// native engine binary (which offline machines cannot download). The migrations folder and the
// `_prisma_migrations` table are the ones `prisma migrate deploy` uses, so a team that has the
// native engine can run the standard command on the same database.
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

// The schema engine reads PostgreSQL's catalogs, whose `"char"` columns (OID 18, e.g.
// pg_class.relkind) the pg adapter has no mapping for: describing any database fails with
// "Column type 'char' could not be deserialized". A one-byte "char" is text, so present it as
// text (OID 25). This process-wide patch is loaded only by migration tooling, never by the app.
const CHAR_OID = 18;
const TEXT_OID = 25;
const PgResult = require("pg/lib/result.js") as { prototype: { addFields(fields: { dataTypeID: number }[]): void } };
const addFields = PgResult.prototype.addFields;
PgResult.prototype.addFields = function (fields) {
  for (const field of fields) if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
  return addFields.call(this, fields);
};

export const PRISMA_DIR = path.resolve(process.cwd(), "prisma");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");

const NO_FILTERS = { externalTables: [], externalEnums: [] };

type WasmModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
type Engine = Awaited<ReturnType<WasmModule["SchemaEngine"]["new"]>>;

let wasmModule: Promise<WasmModule> | undefined;

// The package's root entry imports a .wasm file as an ES module, which Node 20 refuses; so load
// the JS glue and instantiate the .wasm beside it by hand (the glue's own documented hooks).
function loadWasm(): Promise<WasmModule> {
  wasmModule ??= (async () => {
    const glue: WasmModule = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = path.join(
      path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const compiled = new WebAssembly.Module(await readFile(wasmPath));
    const instance = new WebAssembly.Instance(compiled, { "./schema_engine_bg.js": glue as never });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return glue;
  })();
  return wasmModule;
}

type EngineOptions = { connectionString: string; shadowConnectionString?: string; log?: (line: string) => void };

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

// The adapter runs a migration script by splitting it on every ";", which breaks function
// bodies (the audit table's append-only trigger) and string literals. PostgreSQL's simple-query
// protocol runs a whole multi-statement script as sent, as the native engine does.
function connectWholeScripts(factory: PrismaPg): () => Promise<Adapter> {
  const connect = factory.connect.bind(factory);
  return async () => {
    const adapter = await connect();
    adapter.executeScript = async (script: string) => {
      await adapter.underlyingDriver().query(script);
    };
    return adapter;
  };
}

async function openEngine({ connectionString, shadowConnectionString, log }: EngineOptions): Promise<Engine> {
  const { SchemaEngine } = await loadWasm();
  const factory = new PrismaPg({ connectionString });
  factory.connect = connectWholeScripts(factory);
  if (shadowConnectionString) {
    // The adapter's default shadow database is a CREATE DATABASE on the same server, which an
    // embedded PGlite cannot isolate; an explicit, throwaway server is used instead.
    const shadow = new PrismaPg({ connectionString: shadowConnectionString });
    factory.connectToShadowDb = connectWholeScripts(shadow);
  }
  const schema = await readFile(SCHEMA_PATH, "utf8");
  return SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (line: string) => log?.(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

export async function readMigrations() {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: await readFile(lockPath, "utf8").catch(() => null) },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      folders.map(async (folder) => ({
        path: folder,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(MIGRATIONS_DIR, folder, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(connectionString: string, log?: (line: string) => void): Promise<string[]> {
  const engine = await openEngine({ connectionString, log });
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrations(),
      filters: NO_FILTERS,
    });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * SQL that takes a database built from the committed migrations to the current schema.prisma;
 * null when they already agree. `shadowConnectionString` names an empty scratch database.
 */
export async function diffMigrationsToSchema(connectionString: string, shadowConnectionString: string) {
  const engine = await openEngine({ connectionString, shadowConnectionString });
  try {
    const schema = await readFile(SCHEMA_PATH, "utf8");
    const result = await engine.diff({
      from: { tag: "migrations", ...(await readMigrations()) },
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : null;
  } finally {
    engine.free();
  }
}
