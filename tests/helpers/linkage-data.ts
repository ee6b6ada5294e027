import { seededRandom } from "@/lib/linkage/random";

// A synthetic gateway log with planted clusters, for the linkage tests and benchmark. Seeded, so
// the same options give the same file. What it plants, and what the rules must make of it:
// - clusters of accounts tied by a shared payment instrument, device, organisation id or key,
//   chained (member k to member k+1) so that a cluster is connected only through paths;
// - cluster members spelled two ways ("ACCT_00017 " and "acct_00017"): one entity each;
// - a busy NAT address used by many unrelated accounts (shared infrastructure: links nothing);
// - pairs of unrelated accounts that happen to share an address (weak: below the cluster floor).

export type TSyntheticOptions = {
  accounts: number; // in all, including the planted ones
  clusters: number;
  clusterSize: number;
  /** One more planted cluster of this many accounts, after the others (for the graph's scale). */
  giantCluster?: number;
  rowsPerAccount: number;
  hours: number;
  seed: number;
};

export const GATEWAY_HEADER =
  "time,account_id,org_id,api_key_id,client_ip,model,endpoint,input_tokens,output_tokens,status_code,rate_limited,payment_fingerprint,device_fingerprint";

export const NAT_ADDRESS = "198.51.100.7";
const T0 = Date.UTC(2026, 9, 1);
const TIES = ["payment", "device", "org", "key"] as const;

export type TSynthetic = {
  /** The planted cluster of each planted account (by normalised account id). */
  truth: Map<string, number>;
  lines: () => Generator<string>;
  rows: number;
};

const pad = (n: number) => String(n).padStart(6, "0");

export function syntheticLinkageLog(o: TSyntheticOptions): TSynthetic {
  const truth = new Map<string, number>();
  // Each planted account's cluster, its place in it and the cluster's size.
  const place = new Map<number, { cluster: number; k: number; size: number }>();
  for (let c = 0; c < o.clusters; c++)
    for (let k = 0; k < o.clusterSize; k++) place.set(c * o.clusterSize + k, { cluster: c, k, size: o.clusterSize });
  const giantStart = o.clusters * o.clusterSize;
  for (let k = 0; k < (o.giantCluster ?? 0); k++)
    place.set(giantStart + k, { cluster: o.clusters, k, size: o.giantCluster! });
  for (const [a, p] of place) truth.set(`acct_${pad(a)}`, p.cluster);
  const lines = function* () {
    const random = seededRandom(o.seed);
    for (let a = 0; a < o.accounts; a++) {
      const id = `acct_${pad(a)}`;
      const { cluster, k, size } = place.get(a) ?? { cluster: undefined, k: 0, size: 0 };
      // Each account's own values; a planted member shares one with the next member, by the
      // cluster's kind of tie, and the first and last of a cluster share a second kind.
      let payment = `pm_${pad(a)}`;
      let device = `dev_${pad(a)}`;
      let org = `org_${pad(a)}`;
      let key = `key_${pad(a)}`;
      if (cluster !== undefined) {
        const tie = TIES[cluster % TIES.length]!;
        const pairWith = k % 2 === 0 ? k : k - 1; // members 0–1, 2–3, … share one value
        const chainWith = k % 2 === 1 ? k : k - 1; // members 1–2, 3–4, … share another
        if (tie === "payment") payment = `pm_c${cluster}_${pairWith}`;
        if (tie === "device") device = `dev_c${cluster}_${pairWith}`;
        if (tie === "org") org = `org_c${cluster}_${pairWith}`;
        if (tie === "key") key = `key_c${cluster}_${pairWith}`;
        const second = TIES[(cluster + 1) % TIES.length]!;
        if (chainWith >= 0 && chainWith < size - 1) {
          const shared = `c${cluster}_${chainWith}_b`;
          if (second === "payment") payment = `pm_${shared}`;
          if (second === "device") device = `dev_${shared}`;
          if (second === "org") org = `org_${shared}`;
          if (second === "key") key = `key_${shared}`;
        }
      }
      const spelled = cluster !== undefined && k % 2 === 1 ? `${id.toUpperCase()} ` : id;
      const home = `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;
      // One in eight accounts also goes through the busy NAT address; one in fifty shares its
      // home address with the next account (a household), at the same hours.
      const household = a % 50 === 0 ? `10.${((a + 1) >> 16) & 255}.${((a + 1) >> 8) & 255}.${(a + 1) & 255}` : home;
      for (let r = 0; r < o.rowsPerAccount; r++) {
        const hour = Math.floor(random() * o.hours);
        const at = new Date(T0 + hour * 3_600_000 + Math.floor(random() * 3_600_000)).toISOString();
        const ip = a % 8 === 3 && r % 2 === 0 ? NAT_ADDRESS : r % 3 === 0 ? household : home;
        const input = 100 + Math.floor(random() * 400);
        const output = cluster !== undefined ? 3_000 + Math.floor(random() * 1_000) : 200 + Math.floor(random() * 600);
        yield `${at},${spelled},${org},${key},${ip},gpt-4o,/v1/chat/completions,${input},${output},200,false,${payment},${device}`;
      }
    }
  };
  return { truth, lines, rows: o.accounts * o.rowsPerAccount };
}

/** Pairwise precision and recall of recovered clusters (lists of account ids) against the truth. */
export function pairScores(recovered: string[][], truth: Map<string, number>) {
  const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const found = new Set<string>();
  for (const group of recovered)
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) found.add(key(group[i]!, group[j]!));
  const planted = new Set<string>();
  const byCluster = new Map<number, string[]>();
  for (const [a, c] of truth) byCluster.set(c, [...(byCluster.get(c) ?? []), a]);
  for (const group of byCluster.values())
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) planted.add(key(group[i]!, group[j]!));
  let hit = 0;
  for (const p of found) if (planted.has(p)) hit++;
  return {
    precision: found.size ? hit / found.size : 1,
    recall: planted.size ? hit / planted.size : 1,
    foundPairs: found.size,
    plantedPairs: planted.size,
  };
}
