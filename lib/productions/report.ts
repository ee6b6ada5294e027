import "server-only";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { ENTITY_KINDS } from "@/lib/linkage/graph-types";
import { payloadToGraph } from "@/lib/linkage/graph-export";
import { layoutIterations, placeNewNodes } from "@/lib/linkage/graph-layout";
import { graphPayload, loadClusters } from "@/lib/linkage/graph";
import { linkageSettings } from "@/lib/linkage/store";
import { linkageViewer } from "@/lib/linkage/visibility";
import { barChart, graphPicture } from "@/lib/pdf/charts";
import { createPdf, facts, heading, paragraph, type TPdf } from "@/lib/pdf/document";
import { table } from "@/lib/pdf/table";
import {
  auditOf,
  custodyOf,
  eventsPerDay,
  scopedEvents,
  type TProducer,
  type TScopedEvidence,
  type TWithheld,
} from "@/lib/productions/content";
import type { TProductionScope } from "@/lib/productions/schemas";

// data/REPORTS/case_report.pdf: cover, case summary, parties, timeline (table and chart),
// linkage summary with the main cluster's picture, evidence index, custody per item, privilege
// log and an audit excerpt. Every page carries the TLP banner and the Bates footer.

/** Beyond these the report says how many more there are and points to the DATA file. */
const TIMELINE_ROWS = 500;
const AUDIT_ROWS = 300;

export type TReportInput = {
  producer: TProducer & { name: string; orgName: string };
  productionId: string;
  generatedAt: Date;
  batesRange: string;
  receivingParty: string;
  legalHold: boolean;
  scope: TProductionScope;
  case: {
    id: string;
    number: string;
    title: string;
    summary: string;
    status: string;
    severity: string;
    tlp: string;
    parties: { org: string; role: string; people: string[] }[];
  };
  produced: (TScopedEvidence & { bates: string; nativePath: string })[];
  withheld: TWithheld[];
};

const iso = (d: Date | null) => (d ? d.toISOString().replace(".000Z", "Z") : "");

export function scopeText(scope: TProductionScope): string {
  if (scope.kind === "case") return "Whole case";
  if (scope.kind === "evidence") return `Selected evidence (${scope.ids.length} items)`;
  return `Timeline ${scope.from.toISOString().slice(0, 10)} to ${scope.to.toISOString().slice(0, 10)}`;
}

function cover(doc: TPdf, r: TReportInput): void {
  doc.moveDown(4).font("Helvetica-Bold").fontSize(22).fillColor("#0f172a").text("Legal review production");
  doc
    .moveDown(0.5)
    .fontSize(14)
    .text(`${r.case.number}: ${r.case.title}`.replace(/[^\x20-\x7e\xa0-\xff]/g, "?"));
  doc.moveDown(2);
  facts(doc, [
    ["Case number", r.case.number],
    ["Case title", r.case.title],
    ["Production id", r.productionId],
    ["Date (UTC)", iso(r.generatedAt)],
    ["Produced by", `${r.producer.name} (${r.producer.orgName})`],
    ["Produced to", r.receivingParty],
    ["Scope", scopeText(r.scope)],
    ["Bates range", r.batesRange],
    ["Documents produced", String(r.produced.length)],
    ["Items withheld (privilege)", String(r.withheld.length)],
    ["Legal hold", r.legalHold ? "ON: this production was made while the case is under legal hold." : "Off"],
  ]);
}

async function timeline(doc: TPdf, r: TReportInput): Promise<void> {
  heading(doc, "Timeline");
  const perDay = await eventsPerDay(r.producer, r.case.id, r.scope);
  const total = perDay.reduce((s, d) => s + d.count, 0);
  paragraph(doc, `${total} events in scope (privileged events are withheld and listed in the privilege log).`);
  if (perDay.length > 0) {
    barChart(doc, {
      title: "Events per day",
      xLabel: "Day (UTC)",
      yLabel: "Events (count)",
      data: perDay.map((d) => ({ label: d.day, value: d.count })),
    });
    heading(doc, "Events per day (the chart as a table)", 2);
    await table(
      doc,
      [
        { label: "Day (UTC)", width: 1 },
        { label: "Events", width: 1 },
      ],
      perDay.map((d) => [d.day, String(d.count)]),
    );
  }
  heading(
    doc,
    total > TIMELINE_ROWS ? `Events (first ${TIMELINE_ROWS} of ${total}; all in DATA/timeline.csv)` : "Events",
    2,
  );
  await table(
    doc,
    [
      { label: "When (UTC)", width: 2.2 },
      { label: "Category", width: 1.3 },
      { label: "Title", width: 4 },
      { label: "Source", width: 1.5 },
      { label: "Organisation", width: 1.5 },
    ],
    firstRows(scopedEvents(r.producer, r.case.id, r.scope, 500), TIMELINE_ROWS, (e) => [
      iso(e.occurredAt),
      e.category,
      e.title,
      e.source,
      e.orgName,
    ]),
  );
}

async function linkage(doc: TPdf, r: TReportInput, links: { entities: number; links: number }): Promise<void> {
  heading(doc, "Linkage summary");
  paragraph(doc, `${links.entities} entities and ${links.links} current links (DATA/entities.csv, DATA/links.csv).`);
  const viewer = await linkageViewer(r.producer.orgId, r.case.id);
  const settings = await linkageSettings(r.case.id);
  const { clusters, seed } = await loadClusters(viewer, settings, settings.clusterMinConfidence);
  if (clusters.length === 0) {
    paragraph(doc, "No clusters of linked accounts at the case's cluster confidence.");
    return;
  }
  paragraph(
    doc,
    `${clusters.length} clusters of linked accounts at confidence ${settings.clusterMinConfidence} or more.`,
  );
  await table(
    doc,
    [
      { label: "Cluster", width: 1 },
      { label: "Accounts", width: 1 },
      { label: "Entities", width: 1 },
      { label: "Communities", width: 1 },
    ],
    clusters
      .slice(0, 50)
      .map((c, i) => [`#${i + 1}`, String(c.accounts), String(c.nodes.length), String(c.communities)]),
  );
  const main = clusters.reduce((a, b) => (b.accounts > a.accounts ? b : a));
  const payload = await graphPayload(viewer, main.nodes.slice(0, 2_000), settings.clusterMinConfidence, { seed });
  const graph = payloadToGraph(payload);
  placeNewNodes(graph, seed);
  if (graph.order > 1)
    forceAtlas2.assign(graph, {
      iterations: layoutIterations(graph.order),
      settings: forceAtlas2.inferSettings(graph),
    });
  const kinds = [...new Set(payload.nodes.map((n) => n.kind))].sort(
    (a, b) => ENTITY_KINDS.indexOf(a) - ENTITY_KINDS.indexOf(b),
  );
  graphPicture(doc, {
    title: `Main cluster: ${main.accounts} accounts, ${graph.order} entities, ${graph.size} links`,
    nodes: graph.mapNodes((id, a) => ({ id, x: a.x ?? 0, y: a.y ?? 0, label: a.label, group: kinds.indexOf(a.kind) })),
    edges: graph.mapEdges((_e, _a, source, target) => ({ source, target })),
    legend: kinds,
  });
}

/** The first `limit` items of a paged source, as table rows; stops reading once it has them. */
async function* firstRows<T>(pages: AsyncIterable<T[]>, limit: number, row: (item: T) => string[]) {
  let left = limit;
  for await (const page of pages) {
    const rows = page.slice(0, left).map(row);
    left -= rows.length;
    yield rows;
    if (left <= 0) return;
  }
}

/** Renders the report into `doc` (a stream the caller pipes), then ends it. */
export async function writeReport(
  doc: TPdf,
  r: TReportInput,
  links: { entities: number; links: number },
): Promise<void> {
  cover(doc, r);
  doc.addPage();
  heading(doc, "Case summary");
  facts(doc, [
    ["Status", r.case.status],
    ["Severity", r.case.severity],
    ["TLP", r.case.tlp],
  ]);
  paragraph(doc, r.case.summary || "(No summary.)");
  heading(doc, "Parties and organisations");
  await table(
    doc,
    [
      { label: "Organisation", width: 2 },
      { label: "Role in the case", width: 1.5 },
      { label: "Members", width: 5 },
    ],
    r.case.parties.map((p) => [p.org, p.role, p.people.join(", ")]),
  );
  await timeline(doc, r);
  await linkage(doc, r, links);
  heading(doc, "Evidence index");
  await table(
    doc,
    [
      { label: "Bates", width: 1.3 },
      { label: "Title", width: 2.3 },
      { label: "Kind", width: 1 },
      { label: "Collected at (UTC)", width: 1.7 },
      { label: "Collected by", width: 1.1 },
      { label: "SHA-256", width: 4.9, mono: true },
    ],
    r.produced.map((e) => [e.bates, e.title, e.kind, iso(e.collectedAt), e.collectedBy, e.sha256]),
  );
  heading(doc, "Chain of custody per item");
  const batesOf = new Map(r.produced.map((e) => [e.id, e.bates]));
  async function* custodyRows() {
    for await (const page of custodyOf(r.produced.map((e) => e.id)))
      yield page.map((c) => [batesOf.get(c.evidenceId) ?? "", iso(c.at), c.action, c.actor, c.note]);
  }
  await table(
    doc,
    [
      { label: "Bates", width: 1.3 },
      { label: "When (UTC)", width: 1.9 },
      { label: "Action", width: 1.5 },
      { label: "Who", width: 1.5 },
      { label: "Note", width: 4 },
    ],
    custodyRows(),
  );
  heading(doc, "Privilege log");
  if (r.withheld.length === 0) paragraph(doc, "Nothing was withheld.");
  else
    await table(
      doc,
      [
        { label: "Id", width: 2.6, mono: true },
        { label: "Date (UTC)", width: 1.8 },
        { label: "Kind", width: 1 },
        { label: "Author or custodian", width: 1.5 },
        { label: "Basis", width: 1.4 },
        { label: "Description", width: 3 },
      ],
      r.withheld.map((w) => [w.id, iso(w.date), w.kind, w.author, w.basis, w.description]),
    );
  heading(doc, `Audit excerpt (first ${AUDIT_ROWS} rows; all in DATA/audit_extract.jsonl)`);
  await table(
    doc,
    [
      { label: "When (UTC)", width: 1.8 },
      { label: "Who", width: 1.5 },
      { label: "Action", width: 2.2 },
      { label: "Target", width: 4 },
    ],
    firstRows(auditOf(r.producer, r.case.id, AUDIT_ROWS), AUDIT_ROWS, (a) => [
      iso(a.occurredAt),
      a.actor ?? "",
      a.action,
      `${a.targetType} ${a.targetId ?? ""}`,
    ]),
  );
  doc.end();
}

export function newReportPdf(r: Pick<TReportInput, "case" | "producer" | "batesRange" | "productionId">): TPdf {
  return createPdf(
    { title: `${r.case.number} legal review production`, author: r.producer.orgName },
    { tlp: r.case.tlp, footer: `${r.batesRange} | ${r.case.number} | Production ${r.productionId}` },
  );
}
