import "server-only";
import { v5 as uuidv5 } from "uuid";
import { recordAudit } from "@/lib/audit/record";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { graphPayload } from "@/lib/linkage/graph";
import type { TEntityKind, TGraphNode } from "@/lib/linkage/graph-types";
import { findCluster } from "@/lib/linkage/queries";
import { linkageViewer } from "@/lib/linkage/visibility";

// A cluster as a STIX 2.1 bundle for OpenCTI or MISP: observables for what has a STIX type
// (user-account, ipv4-addr/ipv6-addr, email-addr, domain-name, autonomous-system), identities for
// organisation ids and people, a custom observable for the rest (keys, payment instruments,
// devices), and one relationship per link carrying its confidence. Observable ids are STIX's
// deterministic UUIDv5 over their identifying properties, so two exports of one account merge.

/** STIX 2.1's namespace for deterministic SCO identifiers (section 2.9). */
const STIX_NAMESPACE = "00abedb4-aa42-466c-9c01-fed23315a9b7";
/** Ours, for identities and relationships named after our own ids. */
const CASEBRIDGE_NAMESPACE = "6f1c8f62-2b1d-4f57-9d55-0d3c7f0a4e21";

type TStixObject = { type: string; id: string; spec_version: "2.1"; [key: string]: unknown };

/** RFC 8785-style canonical JSON for the flat objects used here (sorted keys, no spaces). */
const canonical = (o: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))));

const sco = (type: string, props: Record<string, unknown>, idProps: Record<string, unknown> = props): TStixObject => ({
  type,
  spec_version: "2.1",
  id: `${type}--${uuidv5(canonical(idProps), STIX_NAMESPACE)}`,
  ...props,
});

function toStix(node: TGraphNode, created: string): TStixObject {
  const v = node.label;
  const kind: TEntityKind = node.kind;
  switch (kind) {
    case "ACCOUNT":
      return sco("user-account", { user_id: v, account_login: v }, { user_id: v });
    case "IP":
      return sco(v.includes(":") ? "ipv6-addr" : "ipv4-addr", { value: v });
    case "NETWORK":
      return sco(v.includes(":") ? "ipv6-addr" : "ipv4-addr", { value: v });
    case "EMAIL":
      return sco("email-addr", { value: v });
    case "DOMAIN":
      return sco("domain-name", { value: v });
    case "ASN":
      return sco("autonomous-system", { number: Number(v.replace(/^AS/, "")) });
    case "ORG_ID":
    case "PERSON":
      return {
        type: "identity",
        spec_version: "2.1",
        id: `identity--${uuidv5(`${kind}:${v}`, CASEBRIDGE_NAMESPACE)}`,
        created,
        modified: created,
        name: v,
        identity_class: kind === "PERSON" ? "individual" : "organization",
      };
    default:
      return sco("x-casebridge-entity", { kind: kind.toLowerCase(), value: v });
  }
}

export async function exportClusterStix(
  actor: TActor,
  caseId: unknown,
  clusterId: unknown,
  params: unknown = {},
): Promise<{ bundle: { type: "bundle"; id: string; objects: TStixObject[] }; fileName: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.read");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const { cluster, minConfidence, seed } = await findCluster(viewer, clusterId, params);
  const payload = await graphPayload(viewer, cluster.nodes, minConfidence, { seed });
  const links = await getDb().entityLink.findMany({
    where: { id: { in: payload.edges.map((e) => e.id) } },
    select: { id: true, createdAt: true, rationale: true },
  });
  const linkInfo = new Map(links.map((l) => [l.id, l]));
  const created = new Date().toISOString();
  const byNode = new Map(payload.nodes.map((n) => [n.id, toStix(n, created)]));
  const relationships: TStixObject[] = payload.edges.map((e) => {
    const info = linkInfo.get(e.id);
    const at = (info?.createdAt ?? new Date()).toISOString();
    return {
      type: "relationship",
      spec_version: "2.1",
      id: `relationship--${uuidv5(e.id, CASEBRIDGE_NAMESPACE)}`,
      created: at,
      modified: at,
      relationship_type: "related-to",
      source_ref: byNode.get(e.source)!.id,
      target_ref: byNode.get(e.target)!.id,
      confidence: e.confidence,
      description: `${e.kind.toLowerCase().replace(/_/g, " ")} (${e.provenance}): ${info?.rationale ?? ""}`.slice(
        0,
        1_000,
      ),
    };
  });
  await recordAudit({
    actorId: actor.id,
    action: "linkage.cluster_exported",
    targetType: "entity",
    targetId: cluster.id,
    caseId: c.id,
    scope: { org: actor.orgId },
    details: { format: "stix-2.1", objects: byNode.size + relationships.length },
  });
  return {
    bundle: {
      type: "bundle",
      id: `bundle--${uuidv5(`${c.id}:${cluster.id}:${created}`, CASEBRIDGE_NAMESPACE)}`,
      objects: [...new Map([...byNode.values()].map((o) => [o.id, o])).values(), ...relationships],
    },
    fileName: `cluster-${cluster.id.slice(0, 8)}.stix.json`,
  };
}
