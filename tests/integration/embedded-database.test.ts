import { connect, type Socket } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";

// The embedded server multiplexes connections onto one PGlite session; these check that
// parallel connections still each get their own answers and their own transactions.
describe("embedded PostgreSQL", () => {
  let db: EmbeddedDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await startEmbeddedDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    await pool.query("CREATE TABLE counter (k text PRIMARY KEY, n int NOT NULL)");
  });
  afterAll(async () => {
    await pool.end();
    await db.stop();
  });

  it("answers parallel parameterised queries each with its own rows", async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        // Each statement text differs, so binding another connection's statement shows.
        // Large parameters arrive in several TCP chunks, as under real load.
        const { rows } = await pool.query(`SELECT $1::int AS i, ${i} AS j, length($2) AS len`, [
          i,
          "x".repeat(i * 4096),
        ]);
        return rows[0]?.i === i && rows[0]?.j === i && rows[0]?.len === i * 4096;
      }),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it("a connection that connects and then idles does not hold up the next one's connect", async () => {
    // Its startup message once left the queue waiting for that connection's "next" message.
    const idle = new pg.Client({ connectionString: db.url });
    const next = new pg.Client({ connectionString: db.url });
    await idle.connect();
    try {
      await next.connect();
      expect((await next.query("SELECT 2 AS two")).rows[0].two).toBe(2);
    } finally {
      await next.end();
      await idle.end();
    }
  });

  it("keeps parallel transactions whole", async () => {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query("INSERT INTO counter VALUES ('k', 1) ON CONFLICT (k) DO UPDATE SET n = counter.n + 1");
          const { rows } = await client.query("SELECT n FROM counter WHERE k = $1", ["k"]);
          expect(rows).toHaveLength(1);
          await client.query("COMMIT");
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query("SELECT n FROM counter WHERE k = 'k'");
    expect(rows[0].n).toBe(16);
  });

  // rate-limiter-flexible names its statements and each pool connection prepares them: on one
  // shared PGlite session the second "already exists" (parallel sign-ins failed).
  it("gives each connection its own named statements, as PostgreSQL's separate sessions do", async () => {
    const clients = Array.from({ length: 6 }, () => new pg.Client({ connectionString: db.url }));
    await Promise.all(clients.map((c) => c.connect()));
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          clients.map(async (c, i) => {
            // Same name, each connection its own text: a shared statement would answer another's.
            const { rows } = await c.query({
              name: "same-name",
              text: `SELECT $1::int * 10 + ${i} AS n`,
              values: [round],
            });
            return rows[0].n;
          }),
        );
        expect(answers).toEqual(clients.map((_, i) => round * 10 + i));
      }
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  // A client that goes away mid-exchange or mid-transaction (a killed process, a dropped
  // socket) must leave the session as a server's end of session would: nothing of it kept, and
  // the next connection's exchange not caught in its half-sent one.
  it.each([
    ["mid-exchange (Parse, Bind, Execute; no Sync)", "gone-1", (k: string) => [parse(insert(k)), bind(), execute()]],
    ["mid-exchange after an error", "gone-2", () => [parse("SELECT 1/0"), bind(), execute()]],
    ["inside its transaction", "gone-3", (k: string) => [simpleQuery(`BEGIN; ${insert(k)}`)]],
  ])("a connection that closes %s leaves nothing behind, and the others served", async (_, key, messages) => {
    const socket = await rawConnection(db.url);
    socket.write(Buffer.concat(messages(key)));
    await new Promise((r) => setTimeout(r, 200)); // its messages have run
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const answered = await Promise.race([
      pool.query("SELECT count(*)::int AS n FROM counter WHERE k = $1", [key]).then((r) => r.rows[0].n),
      new Promise((r) => setTimeout(() => r("no answer in 5 s"), 5_000)),
    ]);
    expect(answered).toBe(0);
  });

  it("deallocates a closed connection's named statements", async () => {
    const leaving = new pg.Client({ connectionString: db.url });
    await leaving.connect();
    await leaving.query({ name: "leaving-statement", text: "SELECT 1" });
    const prepared = async () =>
      Number(
        (await pool.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE '%:leaving-statement'"))
          .rows[0].n,
      );
    expect(await prepared()).toBe(1);
    await leaving.end();
    await expect.poll(prepared, { timeout: 5_000 }).toBe(0);
  });
});

// COPY … FROM STDIN is played by the socket layer (lib/db/embedded-copy.ts): the same client
// code (pg-copy-streams) must load, fail and roll back as on a real server.
describe("embedded PostgreSQL: COPY FROM STDIN", () => {
  let db: EmbeddedDatabase;
  let pool: pg.Pool;

  const copyIn = async (client: pg.PoolClient | pg.Client, sql: string, chunks: Iterable<string | Buffer>) => {
    const stream = client.query(copyFrom(sql));
    await pipeline(Readable.from(chunks), stream);
    return stream.rowCount;
  };
  const count = async (table: string) =>
    Number((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

  beforeAll(async () => {
    db = await startEmbeddedDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query("CREATE TABLE usage_t (id int PRIMARY KEY, account text NOT NULL, at timestamptz NOT NULL)");
  });
  afterAll(async () => {
    await pool.end();
    await db.stop();
  });

  it("loads text-format rows in slices larger than one load, keeping rows whole across slices", async () => {
    await pool.query("TRUNCATE usage_t");
    const rows = 400_000; // ~17 MB: more than one slice
    function* lines() {
      let batch = "";
      for (let i = 1; i <= rows; i++) {
        batch += `${i}\tacct_${i % 977}\t2026-11-${String((i % 28) + 1).padStart(2, "0")} 10:00:00+00\n`;
        if (batch.length > 60_000) {
          yield batch.slice(0, 30_001); // chunks cut mid-row on purpose
          yield batch.slice(30_001);
          batch = "";
        }
      }
      yield batch;
    }
    const client = await pool.connect();
    try {
      expect(await copyIn(client, "COPY usage_t (id, account, at) FROM STDIN", lines())).toBe(rows);
    } finally {
      client.release();
    }
    expect(await count("usage_t")).toBe(rows);
    const { rows: last } = await pool.query("SELECT account FROM usage_t WHERE id = $1", [rows]);
    expect(last[0].account).toBe(`acct_${rows % 977}`);
  });

  it("loads CSV with quoted line breaks", async () => {
    await pool.query("TRUNCATE usage_t");
    const client = await pool.connect();
    try {
      const n = await copyIn(client, "COPY usage_t (id, account, at) FROM STDIN WITH (FORMAT csv, HEADER true)", [
        'id,account,at\n1,"acct\n',
        'with break",2026-11-01T00:00:00Z\n2,acct_b,2026-11-02T00:00:00Z\n',
      ]);
      expect(n).toBe(2);
    } finally {
      client.release();
    }
    expect((await pool.query("SELECT account FROM usage_t WHERE id = 1")).rows[0].account).toBe("acct\nwith break");
  });

  it("a bad row fails the whole COPY, keeps nothing, and leaves every connection usable", async () => {
    await pool.query("TRUNCATE usage_t");
    const client = await pool.connect();
    try {
      await expect(
        copyIn(client, "COPY usage_t (id, account, at) FROM STDIN", ["1\ta\t2026-11-01\n", "2\tb\tnot-a-time\n"]),
      ).rejects.toThrow(/invalid input syntax for type timestamp/);
      expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      client.release();
    }
    expect(await count("usage_t")).toBe(0);
    const parallel = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.query("SELECT $1::int AS i", [i])));
    expect(parallel.map((r) => r.rows[0].i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("inside the client's transaction, a rollback takes the copied rows back; a commit keeps them", async () => {
    await pool.query("TRUNCATE usage_t");
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      expect(await copyIn(client, "COPY usage_t FROM STDIN", ["1\ta\t2026-11-01\n"])).toBe(1);
      expect((await client.query("SELECT count(*)::int AS n FROM usage_t")).rows[0].n).toBe(1);
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      await copyIn(client, "COPY usage_t FROM STDIN", ["2\tb\t2026-11-02\n"]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect((await pool.query("SELECT array_agg(id) AS ids FROM usage_t")).rows[0].ids).toEqual([2]);
  });

  it("other connections wait for a copy in progress instead of interleaving with it", async () => {
    await pool.query("TRUNCATE usage_t");
    const client = await pool.connect();
    try {
      const stream = client.query(copyFrom("COPY usage_t FROM STDIN"));
      stream.write("1\ta\t2026-11-01\n");
      const other = pool.query("SELECT count(*)::int AS n FROM usage_t");
      await new Promise((r) => setTimeout(r, 50));
      stream.end("2\tb\t2026-11-02\n");
      await new Promise<void>((resolve, reject) => stream.on("finish", resolve).on("error", reject));
      expect((await other).rows[0].n).toBe(2);
    } finally {
      client.release();
    }
  });

  it("a client that disconnects mid-copy leaves nothing and does not block the others", async () => {
    await pool.query("TRUNCATE usage_t");
    const lone = new pg.Client({ connectionString: db.url });
    lone.on("error", () => {});
    await lone.connect();
    const stream = lone.query(copyFrom("COPY usage_t FROM STDIN"));
    stream.on("error", () => {});
    stream.write("1\ta\t2026-11-01\n");
    await new Promise((r) => setTimeout(r, 50));
    (lone as unknown as { connection: { stream: { destroy: () => void } } }).connection.stream.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(await count("usage_t")).toBe(0);
  });
});

// A bare wire-protocol client (the pg driver never leaves an exchange half sent).
function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstring = (text: string) => Buffer.from(`${text}\0`);
const parse = (sql: string) => frame("P", Buffer.concat([cstring(""), cstring(sql), Buffer.from([0, 0])]));
const bind = () => frame("B", Buffer.concat([cstring(""), cstring(""), Buffer.from([0, 0, 0, 0, 0, 0])]));
const execute = () => frame("E", Buffer.concat([cstring(""), Buffer.from([0, 0, 0, 0])]));
const simpleQuery = (sql: string) => frame("Q", cstring(sql));
const insert = (key: string) => `INSERT INTO counter VALUES ('${key}', 1)`;

/** A socket past the startup handshake (its first ReadyForQuery). */
async function rawConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const params = Buffer.concat([
    cstring("user"),
    cstring("postgres"),
    cstring("database"),
    cstring("postgres"),
    Buffer.from([0]),
  ]);
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4); // protocol 3.0
  socket.write(Buffer.concat([startup, params]));
  await new Promise<void>((resolve) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      for (let at = 0; at + 5 <= seen.length; at += 1 + seen.readInt32BE(at + 1))
        if (seen[at] === 0x5a) {
          socket.off("data", onData);
          return resolve();
        }
    };
    socket.on("data", onData);
  });
  return socket;
}
