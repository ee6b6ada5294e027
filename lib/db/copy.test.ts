import { describe, expect, it } from "vitest";
import { withPgClient } from "@/lib/db";
import { copyChunks, ROWS_PER_COPY, type TCopyChunk } from "@/lib/db/copy";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";

// Bulk loads by COPY (lib/db/copy.ts), as both imports use them. The embedded database serves
// one connection at a time while a COPY statement runs, so there a load is cut into statements
// short enough for the app's other requests to be answered between them.

describe("copyChunks", () => {
  it("loads every row, one statement per ROWS_PER_COPY rows of this database", async () => {
    // Past two of the embedded database's statements; a server takes all in one.
    const rows = 2 * ROWS_PER_COPY.embedded + 500;
    async function* chunks(): AsyncGenerator<TCopyChunk> {
      for (let from = 0; from < rows; from += 500) {
        let text = "";
        for (let n = from; n < from + 500; n++) text += `${n}\trow ${n}\n`;
        yield { text, rows: 500 };
      }
    }
    await withPgClient(async (client) => {
      // COPY fires a table's statement triggers: this one counts the statements. (Temporary, but
      // dropped after: the embedded database runs every connection on one session.)
      await client.query(`CREATE TEMPORARY TABLE copied (n int, label text)`);
      await client.query(`CREATE TEMPORARY TABLE statements (n int)`);
      try {
        await client.query(`INSERT INTO statements VALUES (0)`);
        await client.query(
          `CREATE FUNCTION pg_temp.count_statement() RETURNS trigger LANGUAGE plpgsql
           AS $$ BEGIN UPDATE statements SET n = n + 1; RETURN NULL; END $$`,
        );
        await client.query(
          `CREATE TRIGGER counted AFTER INSERT ON copied FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.count_statement()`,
        );
        expect(await copyChunks(client, `COPY copied FROM STDIN`, chunks())).toBe(rows);
        const { rows: counted } = await client.query<{ n: number; distinct: number; last: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT n)::int AS distinct, max(n)::int AS last FROM copied`,
        );
        expect(counted[0]).toEqual({ n: rows, distinct: rows, last: rows - 1 });
        const { rows: statements } = await client.query<{ n: number }>(`SELECT n FROM statements`);
        expect(statements[0]!.n).toBe(onEmbeddedTestDatabase() ? 3 : 1);
      } finally {
        await client.query(`DROP TABLE copied, statements`);
        await client.query(`DROP FUNCTION IF EXISTS pg_temp.count_statement()`);
      }
    });
  });

  // On a server a frozen load is one transaction that begins by emptying its table: when even
  // that fails, nothing is loaded, nothing read, and the connection is left outside any
  // transaction. (The embedded database loads statement by statement: `freeze` is not used.)
  it.skipIf(onEmbeddedTestDatabase())(
    "a frozen load that cannot begin fails whole and leaves the connection usable",
    async () => {
      let read = false;
      async function* chunks(): AsyncGenerator<TCopyChunk> {
        read = true;
        yield { text: "1\trow\n", rows: 1 };
      }
      await withPgClient(async (client) => {
        await expect(
          copyChunks(client, `COPY no_such_table FROM STDIN`, chunks(), { freeze: "no_such_table" }),
        ).rejects.toThrow(/no_such_table/);
        expect(read).toBe(false);
        const { rows } = await client.query<{ open: boolean }>(
          `SELECT xact_start IS NOT NULL AND xact_start < statement_timestamp() AS open FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
        );
        expect(rows[0]!.open).toBe(false); // no transaction left open, aborted or not
      });
    },
  );
});
