// Seeded starting positions for the graph view's ForceAtlas2 layout. A node's position depends
// only on the payload seed and its id, so the same payload starts (and, after the same number of
// iterations, ends) in the same place whatever the order of arrival. Client-safe.
import type { TLinkageGraph } from "@/lib/linkage/graph-export";

/** FNV-1a over the id, mixed with the seed: a 32-bit seed per node. */
function hashSeed(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** mulberry32: a small, fast PRNG with a 32-bit state; values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A point in a disc whose area grows with the node count (uniform over the disc). */
export function seededPosition(id: string, seed: number, order: number): { x: number; y: number } {
  const random = mulberry32(hashSeed(id, seed));
  const radius = 10 * Math.sqrt(Math.max(order, 1)) * Math.sqrt(random());
  const angle = 2 * Math.PI * random();
  return { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
}

/**
 * Gives every node without a position one: next to an already placed neighbour when it has one
 * (an expanded neighbourhood grows around the node that was expanded), else its seeded point.
 * Nodes that already have x and y keep them. Returns the ids that were placed.
 */
export function placeNewNodes(graph: TLinkageGraph, seed: number): string[] {
  const fresh = graph.filterNodes((_id, a) => typeof a.x !== "number" || typeof a.y !== "number");
  const isFresh = new Set(fresh);
  for (const id of fresh) {
    const anchor = graph.findNeighbor(id, (n) => !isFresh.has(n));
    if (anchor === undefined) {
      graph.mergeNodeAttributes(id, seededPosition(id, seed, graph.order));
    } else {
      const jitter = seededPosition(id, seed, 1);
      const at = graph.getNodeAttributes(anchor);
      graph.mergeNodeAttributes(id, { x: at.x! + jitter.x, y: at.y! + jitter.y });
    }
  }
  return fresh;
}

/**
 * How many ForceAtlas2 iterations the view runs before it stops by itself: enough to settle a
 * neighbourhood, fewer on big clusters where each iteration costs more (Barnes–Hut, O(n log n)).
 */
export function layoutIterations(order: number): number {
  if (order <= 500) return 400;
  if (order <= 2000) return 250;
  return 150;
}
