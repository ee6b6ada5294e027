// Prisma's schema engine compiled to WebAssembly: applies and creates migrations without the
// native engine binary (which offline machines cannot download). The migrations folder and the
// `_prisma_migrations` table are the ones `prisma migrate deploy` uses, so a team that has the
// native engine can run the standard command on the same database.
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg, { type PoolConfig } from "pg";
import { randomUUID } from "node:crypto";
import { parse as parseConnectionString } from "pg-connection-string";
import { ColumnTypeEnum, bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

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
    // The engine reports a Rust panic's message through this global before it aborts.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message: string) => console.error(`[schema-engine] panic: ${message}`),
    };
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

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type PgResult = { fields: { dataTypeID: number }[]; rows: unknown[][] };
type Internals = { performIO: (query: unknown) => Promise<PgResult> };

const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * Two gaps between the pg adapter and the schema engine, mended on the engine's connections only:
 * - Migration scripts: the adapter splits a script on every ";", which breaks function bodies
 *   (the audit table's append-only trigger) and string literals. PostgreSQL's simple-query
 *   protocol runs a whole multi-statement script as sent, as the native engine does.
 * - The catalogs' one-byte `"char"` columns (OID 18: relkind, contype …), which the engine reads
 *   to describe a database, have no mapping in the adapter ("Column type 'char' could not be
 *   deserialized"). They are read as text and reported as the engine's Character type.
 */
function adaptForSchemaEngine(adapter: Adapter): Adapter {
  adapter.executeScript = async (script: string) => {
    await adapter.underlyingDriver().query(script);
  };
  const internals = adapter as unknown as Internals;
  const charColumns = new WeakMap<object, number[]>();
  const performIO = internals.performIO.bind(adapter);
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const indexes = result.fields.flatMap((field, i) => (field.dataTypeID === CHAR_OID ? [i] : []));
    for (const i of indexes) result.fields[i]!.dataTypeID = TEXT_OID;
    if (indexes.length) charColumns.set(result.rows, indexes);
    return result;
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return adapter;
}

// A throwaway database on the same server for diffs. (The adapter's own version passes the
// server URL through, so the "shadow" pool reaches the real database, and it drops the database
// before closing its pool, which PostgreSQL refuses.)
async function connectToShadowDatabase(config: PoolConfig): Promise<Adapter> {
  const admin = new pg.Client(config);
  await admin.connect();
  const name = `prisma_migrate_shadow_db_${randomUUID()}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const adapter = adaptForSchemaEngine(await new PrismaPg({ ...config, database: name }).connect());
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
  return adapter;
}

/**
 * A schema engine on its own connection pool. `close` frees the engine and ends the pool's
 * connections: the engine takes PostgreSQL's advisory lock 72707369 for a migration and leaves it
 * to the connection's end, which the pool would put off for its idle timeout (10 s), so another
 * instance starting next would time out waiting for it.
 */
async function openEngine(
  connectionString: string,
  log?: (line: string) => void,
): Promise<{ engine: Engine; close: () => Promise<void> }> {
  const { SchemaEngine } = await loadWasm();
  const config = parseConnectionString(connectionString) as PoolConfig;
  const factory = new PrismaPg(config);
  const connect = factory.connect.bind(factory);
  const opened: { dispose: () => Promise<void> }[] = [];
  factory.connect = async () => {
    const adapter = await connect();
    opened.push(adapter);
    return adaptForSchemaEngine(adapter);
  };
  factory.connectToShadowDb = () => connectToShadowDatabase(config);
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const engine = await SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (line: string) => log?.(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await Promise.all(opened.map((adapter) => adapter.dispose()));
    },
  };
}

export async function readMigrations() {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
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
  const { engine, close } = await openEngine(connectionString, log);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrations(),
      filters: NO_FILTERS,
    });
    return appliedMigrationNames;
  } finally {
    await close();
  }
}

/**
 * SQL that takes a database built from the committed migrations to the current schema.prisma;
 * null when they already agree. Needs a PostgreSQL server that allows CREATE DATABASE (for the
 * shadow database): PGlite's catalogs carry NOT NULL constraints the engine cannot describe.
 */
export async function diffMigrationsToSchema(serverUrl: string) {
  const { engine, close } = await openEngine(serverUrl);
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
    await close();
  }
}

/** The SQL that creates the current schema.prisma from nothing (no database is read). */
export async function sqlForSchema(connectionString: string): Promise<string> {
  const { engine, close } = await openEngine(connectionString);
  try {
    const schema = await readFile(SCHEMA_PATH, "utf8");
    const result = await engine.diff({
      from: { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? "";
  } finally {
    await close();
  }
}
