// Embedded PostgreSQL (PGlite) served over the wire protocol on loopback, so the app, Prisma and
// the schema engine talk to it exactly as to a real server. PGlite is single-process: one
// server owns a data folder. Used when DATABASE_URL is unset (npm start, npm test).
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import pg from "pg";
import { analyzeStaleTables } from "./analyze";
import { createCopyIn } from "./embedded-copy";
import { createStatementJanitor, scopeStatementName } from "./embedded-statements";

type QueuedMessage = {
  handlerId: number;
  message: Uint8Array;
  timestamp: number;
  resolve: (n: number) => void;
  reject: (e: unknown) => void;
  onData: (d: Uint8Array) => void;
};
type QueryQueue = {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue: () => Promise<void>;
  clearTransactionIfNeeded: (handlerId: number) => Promise<void>;
};

// Extended-protocol messages (Parse, Bind, Describe, Execute, Close, Flush): an exchange of
// these runs until its Sync. Anything else (Sync, a simple Query, the startup and password
// messages, Terminate) leaves no exchange open: a connection that connects and then idles must
// not hold the queue (it did, and the next connection's startup waited forever).
const EXCHANGE_MESSAGES = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);
/**
 * Ends a closed connection's half-sent exchange as its end of session would: rolled back. A
 * Sync alone would commit it, so a Bind of a statement that cannot exist fails it first.
 */
const ABORT_EXCHANGE = (() => {
  // Bind: length, portal "", statement " casebridge: none" (no scoped name starts so), no
  // parameter formats, parameters or result formats.
  const bind = Buffer.from("B\0\0\0\0\0 casebridge: none\0\0\0\0\0\0\0", "latin1");
  bind.writeInt32BE(bind.length - 1, 1);
  return new Uint8Array(Buffer.concat([bind, Buffer.from([0x53, 0, 0, 0, 4])]));
})();
const GONE_KEPT = 10_000;

/**
 * pglite-socket queues each wire message separately and only keeps a connection's messages
 * together inside a transaction. Outside one, two connections' Parse/Bind/Execute messages can
 * interleave on PGlite's single session, so one connection binds the other's unnamed statement
 * and gets its rows (seen here as wrong or empty results under parallel requests). This keeps
 * every exchange up to its Sync together, as a real server's separate sessions would. Named
 * statements are made each connection's own (embedded-statements.ts).
 */
function keepExchangesWhole(queue: QueryQueue): void {
  let midExchange: number | null = null;
  const copyIn = createCopyIn(queue.db);
  const statements = createStatementJanitor(queue.db);
  // Connections that closed (the latest GONE_KEPT; ids only grow). One that closes while its
  // message runs would otherwise be left holding the queue, waiting for a Sync that never comes.
  const gone = new Set<number>();
  /** Leaves the session as a server's end of session would: exchange and transaction rolled back. */
  const endGone = async (handlerId: number) => {
    try {
      if (midExchange === handlerId) {
        midExchange = null;
        await queue.db.runExclusive(() => queue.db.execProtocolRawStream(ABORT_EXCHANGE, { onRawData: () => {} }));
      }
      if (queue.lastHandlerId === handlerId) {
        if (queue.db.isInTransaction()) await queue.db.exec("ROLLBACK");
        queue.lastHandlerId = null;
      }
    } catch (error) {
      console.error("[db] ending a closed connection's exchange failed:", error);
    }
  };
  queue.processQueue = async function processQueue() {
    if (queue.processing || queue.queue.length === 0) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const sticky = midExchange ?? copyIn.activeHandler ?? (queue.db.isInTransaction() ? queue.lastHandlerId : null);
        if (sticky === null && !queue.db.isInTransaction())
          await statements
            .sweep() // query() and exec() take PGlite's own locks: not inside runExclusive
            .catch((error) => console.error("[db] deallocating a closed connection's statements failed:", error));
        const index = sticky === null ? 0 : queue.queue.findIndex((m) => m.handlerId === sticky);
        if (index === -1) break; // wait for the rest of that connection's exchange
        const item = queue.queue.splice(index, 1)[0]!;
        if (gone.has(item.handlerId)) {
          item.reject(new Error("The connection is closed"));
          continue;
        }
        const type = item.message[0];
        // COPY … FROM STDIN and its CopyData are answered by the socket layer (embedded-copy.ts).
        let consumed: boolean;
        try {
          consumed = await copyIn.handle(item);
        } catch (error) {
          item.reject(error);
          continue;
        }
        if (consumed) {
          queue.lastHandlerId = item.handlerId;
          item.resolve(0);
          if (gone.has(item.handlerId)) await endGone(item.handlerId);
          continue;
        }
        let bytes = 0;
        try {
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(scopeStatementName(item.handlerId, item.message), {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          midExchange = null;
          item.reject(error);
          continue;
        }
        midExchange = type !== undefined && EXCHANGE_MESSAGES.has(type) ? item.handlerId : null;
        queue.lastHandlerId = item.handlerId;
        item.resolve(bytes);
        if (gone.has(item.handlerId)) await endGone(item.handlerId); // it closed while this ran
      }
    } finally {
      queue.processing = false;
    }
  };
  // Called when a connection closes (pglite-socket's detach), after its queued messages are dropped.
  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    gone.add(handlerId);
    if (gone.size > GONE_KEPT) gone.delete(gone.values().next().value!);
    statements.connectionClosed(handlerId);
    await copyIn.abandon(handlerId);
    // While a message runs, the loop ends the connection after it (above); else it is done here,
    // with the loop held off meanwhile.
    if (!queue.processing) {
      queue.processing = true;
      try {
        await endGone(handlerId);
      } finally {
        queue.processing = false;
      }
    }
    await queue.processQueue();
  };
}

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

export async function findFreePort(preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" && preferred !== 0 ? resolve(findFreePort(0)) : reject(error),
    );
    probe.listen(preferred, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * PGlite has no autovacuum: every `everyMs` the tables changed enough since their last analyze
 * are analyzed (autovacuum's rule, lib/db/analyze.ts), through a connection of the socket server
 * like any client's, so it queues behind open transactions instead of running inside one.
 */
function scheduleAnalyze(url: string, everyMs: number): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await analyzeStaleTables(client);
    } catch (error) {
      console.error("[db] scheduled ANALYZE of the embedded database failed:", error);
    } finally {
      await client.end().catch(() => {});
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

export type TEmbeddedOptions = { preferredPort?: number; analyzeEveryMs?: number };

/** Starts PGlite on `dataDir` (in memory when undefined) and serves it on 127.0.0.1. */
export async function startEmbeddedDatabase(
  dataDir?: string,
  { preferredPort = 0, analyzeEveryMs = 60_000 }: TEmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const port = await findFreePort(preferredPort);
  // Several connections are accepted; PGlite serialises their statements but keeps each
  // transaction whole, so a pg.Pool behaves (see shared notes on the embedded database).
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 20 });
  keepExchangesWhole((server as unknown as { queryQueue: QueryQueue }).queryQueue);
  await server.start();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  const stopAnalyzing = analyzeEveryMs > 0 ? scheduleAnalyze(url, analyzeEveryMs) : async () => {};
  return {
    url,
    stop: async () => {
      await stopAnalyzing();
      await server.stop();
      await db.close();
    },
  };
}
