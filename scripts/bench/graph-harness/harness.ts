// A harness for the graph view outside the Next app: a seeded synthetic payload, the view bundled
// with esbuild, and a throwaway HTTP server. Used by scripts/bench/graph-render.ts and by
// tests/e2e/graph-view.spec.ts.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { build } from "esbuild";
import { seededRandom } from "@/lib/linkage/random";
import type { TEntityKind, TGraphEdge, TGraphNode, TGraphPayload, TLinkKind } from "@/lib/linkage/graph-types";

const ROOT = path.resolve(import.meta.dirname, "../../..");

// Roughly the mix of a distillation cluster: mostly accounts, then keys, network and identifiers.
const KIND_MIX: [TEntityKind, number][] = [
  ["ACCOUNT", 0.45],
  ["API_KEY", 0.15],
  ["IP", 0.1],
  ["NETWORK", 0.03],
  ["ASN", 0.02],
  ["EMAIL", 0.08],
  ["DOMAIN", 0.02],
  ["ORG_ID", 0.04],
  ["PAYMENT", 0.04],
  ["DEVICE", 0.05],
  ["PERSON", 0.02],
];

const LINK_FOR: Record<TEntityKind, TLinkKind> = {
  ACCOUNT: "SYNCHRONISED",
  API_KEY: "USES_KEY",
  IP: "SHARES_IP",
  NETWORK: "SHARES_IP",
  ASN: "OTHER",
  EMAIL: "SAME_OWNER",
  DOMAIN: "OTHER",
  ORG_ID: "SAME_ORG_ID",
  PAYMENT: "SHARES_PAYMENT",
  DEVICE: "SHARES_DEVICE",
  PERSON: "CONTROLS",
};

/**
 * A seeded cluster of `nodes` entities and `edges` links in communities of about 100, nine links
 * in ten inside a community; about one node in fifty is a bridge. Same arguments, same payload.
 */
export function syntheticPayload(nodes: number, edges: number, seed = 1): TGraphPayload {
  const random = seededRandom(seed);
  const communities = Math.max(1, Math.round(nodes / 100));
  const pickKind = () => {
    let r = random();
    for (const [kind, share] of KIND_MIX) if ((r -= share) < 0) return kind;
    return "ACCOUNT";
  };
  const list: TGraphNode[] = [];
  for (let i = 0; i < nodes; i++) {
    const kind = i === 0 ? "ACCOUNT" : pickKind();
    const label =
      kind === "ACCOUNT"
        ? `acct_${i}`
        : kind === "API_KEY"
          ? `sk-${i}…${(i * 7919) % 10000}`
          : `${kind.toLowerCase()}_${i}`;
    list.push({ id: `n${i}`, kind, label, community: i % communities, bridge: random() < 0.02 });
  }
  const byCommunity = Array.from({ length: communities }, (_, c) => list.filter((n) => n.community === c));
  const accounts = list.filter((n) => n.kind === "ACCOUNT");
  const links: TGraphEdge[] = [];
  for (let i = 0; links.length < edges && i < edges * 3; i++) {
    const source = accounts[Math.floor(random() * accounts.length)]!;
    const pool = random() < 0.9 ? byCommunity[source.community!]! : list;
    const target = pool[Math.floor(random() * pool.length)]!;
    if (target.id === source.id) continue;
    const confidence = Math.floor(random() * 101);
    links.push({
      id: `e${links.length}`,
      source: source.id,
      target: target.id,
      kind: LINK_FOR[target.kind],
      confidence,
      provenance: confidence > 80 ? "manual" : "rule:synthetic@1",
    });
  }
  return { nodes: list, edges: links, seed };
}

/** The harness page's script: the graph view and React, minified as a production build. */
export async function buildHarnessScript(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(ROOT, "scripts/bench/graph-harness/entry.tsx")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Graph view harness</title>
<style>.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap}
[hidden]{display:none!important}body{margin:0}</style></head>
<body><div id="root"></div><script type="module" src="/harness.js"></script></body></html>`;

/** Serves the harness on 127.0.0.1 (a free port unless given) with `payload` at /payload.json. */
export async function serveHarness(script: string, payload: TGraphPayload, port = 0) {
  const json = JSON.stringify(payload);
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const [type, body] =
      url === "/harness.js"
        ? ["text/javascript", script]
        : url === "/payload.json"
          ? ["application/json", json]
          : url === "/"
            ? ["text/html; charset=utf-8", PAGE]
            : [null, ""];
    if (type === null) return void res.writeHead(url === "/favicon.ico" ? 204 : 404).end();
    res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    payloadBytes: Buffer.byteLength(json),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
