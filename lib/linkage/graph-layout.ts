// Seeded starting positions for the graph view's ForceAtlas2 layout. A node's position depends
// only on the payload seed and its id, so the same payload starts (and, after the same number of
// iterations, ends) in the same place whatever the order of arrival. Client-safe.
import type { TLinkageGraph } from "@/lib/linkage/graph-export";
import { seededRandom } from "@/lib/linkage/random";

/** FNV-1a over the id, mixed with the seed: a 32-bit seed per node. */
function hashSeed(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A point in a disc of `radius` around `centre` (uniform over the disc), from `random`. */
function pointInDisc(random: () => number, radius: number, centre = { x: 0, y: 0 }) {
  const r = radius * Math.sqrt(random());
  const angle = 2 * Math.PI * random();
  return { x: centre.x + r * Math.cos(angle), y: centre.y + r * Math.sin(angle) };
}

/** A point in a disc whose area grows with the node count. */
export function seededPosition(id: string, seed: number, order: number): { x: number; y: number } {
  return pointInDisc(seededRandom(hashSeed(id, seed)), 10 * Math.sqrt(Math.max(order, 1)));
}

/**
 * Where each community starts: centres on a sunflower spiral (golden angle), spaced by the
 * communities' sizes. Starting a node inside its community keeps most links short from the
 * first frame (cheaper to draw) and lets ForceAtlas2 converge in fewer iterations.
 */
function communityCentres(sizes: Map<number, number>, seed: number) {
  const centres = new Map<number, { x: number; y: number; radius: number }>();
  const ordered = [...sizes.keys()].sort((a, b) => a - b);
  const spacing = 25 * Math.sqrt(Math.max(...sizes.values(), 1));
  const turn = seededRandom(seed)() * 2 * Math.PI;
  ordered.forEach((community, i) => {
    const r = spacing * Math.sqrt(i);
    const angle = turn + i * 2.39996322972865332; // golden angle
    centres.set(community, {
      x: r * Math.cos(angle),
      y: r * Math.sin(angle),
      radius: 10 * Math.sqrt(sizes.get(community)!),
    });
  });
  return centres;
}

/**
 * Gives every node without a position one: next to an already placed neighbour when it has one
 * (an expanded neighbourhood grows around the node that was expanded), else a seeded point in
 * its community's disc (or in one disc for all when there are no communities). Nodes that
 * already have x and y keep them. Returns the ids that were placed.
 */
export function placeNewNodes(graph: TLinkageGraph, seed: number): string[] {
  const fresh = graph.filterNodes((_id, a) => typeof a.x !== "number" || typeof a.y !== "number");
  const isFresh = new Set(fresh);
  const sizes = new Map<number, number>();
  graph.forEachNode((_id, a) => {
    if (a.community !== undefined) sizes.set(a.community, (sizes.get(a.community) ?? 0) + 1);
  });
  const centres = communityCentres(sizes, seed);
  for (const id of fresh) {
    const anchor = graph.findNeighbor(id, (n) => !isFresh.has(n));
    const random = seededRandom(hashSeed(id, seed));
    const community = graph.getNodeAttribute(id, "community");
    const centre = community === undefined ? undefined : centres.get(community);
    let at: { x: number; y: number };
    if (anchor !== undefined) {
      const a = graph.getNodeAttributes(anchor);
      at = pointInDisc(random, 10, { x: a.x!, y: a.y! });
    } else if (centre) {
      at = pointInDisc(random, centre.radius, centre);
    } else {
      at = pointInDisc(random, 10 * Math.sqrt(Math.max(graph.order, 1)));
    }
    graph.mergeNodeAttributes(id, at);
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
