import "server-only";
import PDFDocument from "pdfkit";
import type { TActor } from "@/lib/auth/session";
import { pdfText, TLP_COLOURS, tlpLabel } from "@/lib/pdf/document";
import { briefDay, getCaseBrief, type TBrief } from "@/lib/summary/brief";
import { ENFORCEMENT_LABELS } from "@/lib/summary/schemas";
import { utcLabel } from "@/lib/utc";

// The brief as a one-page PDF (pdfkit, the legal export's library). Every block has a fixed box
// and cuts its text with an ellipsis, so nothing can spill onto a second page; the TLP banner
// and the case number are text, top and bottom. Its own one-page layout, with lib/pdf's TLP
// colours and labels and its WinAnsi text cleaning (the standard fonts print nothing else).

const n = new Intl.NumberFormat("en");

export async function renderBriefPdf(brief: TBrief, size: "A4" | "LETTER" = "A4"): Promise<Buffer> {
  const doc = new PDFDocument({ size, margin: 36, autoFirstPage: true, info: { Title: `${brief.case.number} brief` } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  // A box that would overflow adds a page in pdfkit: refuse that, the brief is one page.
  doc.on("pageAdded", () => {
    throw new Error("The brief does not fit on one page.");
  });
  const W = doc.page.width - 72;
  const bottom = doc.page.height - 36;
  const tlp = TLP_COLOURS[brief.case.tlp] ?? TLP_COLOURS.AMBER!;
  const box = (text: string, x: number, y: number, w: number, h: number, font = "Helvetica", fontSize = 9) =>
    doc
      .font(font)
      .fontSize(fontSize)
      .fillColor("#111111")
      .text(pdfText(text), x, y, { width: w, height: h, ellipsis: true });

  // Banner
  doc.rect(36, 36, W, 20).fillAndStroke(tlp.fill, "#000000");
  doc
    .font("Helvetica-Bold")
    .fontSize(11)
    .fillColor(tlp.text)
    .text(tlpLabel(brief.case.tlp), 42, 41, { width: W - 12, height: 14 });
  let y = 64;
  box(`${brief.case.number} · ${brief.case.title}`, 36, y, W, 18, "Helvetica-Bold", 14);
  y += 20;
  box(
    `Status ${brief.case.status.replace("_", " ").toLowerCase()} · Severity ${brief.case.severity.toLowerCase()} · Owner ${brief.case.ownerOrgName}${brief.level === "aggregate" ? " · Aggregate view (not a member)" : ""}`,
    36,
    y,
    W,
    12,
    "Helvetica",
    9,
  );
  y += 18;

  // Headline figures
  const f = brief.figures;
  const cells = [
    ["Accounts", n.format(f.accounts)],
    ["Clusters", `${n.format(f.clusters)} (${n.format(f.linkedAccounts)} accts)`],
    ["Requests", n.format(f.requests)],
    ["Tokens", n.format(f.tokens)],
    ["Activity", f.activityDays ? `${f.activityDays.first} – ${f.activityDays.last}` : "none yet"],
  ] as const;
  // The activity's two days take more room than a number.
  const weights = [1, 1.2, 1, 1, 1.8];
  const unit = W / weights.reduce((a, b) => a + b, 0);
  let x = 36;
  cells.forEach(([label, value], i) => {
    const cw = weights[i]! * unit;
    doc.rect(x, y, cw - 4, 34).stroke("#cbd5e1");
    box(label, x + 4, y + 4, cw - 12, 10, "Helvetica", 7);
    box(value, x + 4, y + 15, cw - 12, 14, "Helvetica-Bold", 10);
    x += cw;
  });
  y += 42;

  // Findings and next steps
  const version = brief.text
    ? `version ${brief.text.version}, ${brief.text.authorName}, ${briefDay(brief.text.createdAt)}`
    : "not written yet";
  box(`Key findings (${version})`, 36, y, W, 12, "Helvetica-Bold", 10);
  box(brief.text?.findings || "—", 36, y + 14, W, 110);
  y += 128;
  box("Recommended next steps", 36, y, W, 12, "Helvetica-Bold", 10);
  box(brief.text?.nextSteps || "—", 36, y + 14, W, 70);
  y += 88;

  // Usage chart (bars of requests per bucket) and the main cluster picture
  const chartW = brief.graph ? W * 0.62 : W;
  box(`Requests per ${brief.usage.bucket} (count)`, 36, y, chartW, 12, "Helvetica-Bold", 10);
  const ch = 80;
  const top = y + 16;
  doc
    .moveTo(36, top + ch)
    .lineTo(36 + chartW, top + ch)
    .stroke("#94a3b8");
  const pts = brief.usage.points;
  const max = Math.max(1, ...pts.map((p) => p.requests));
  const bw = pts.length ? chartW / pts.length : 0;
  // A gap a fifth of a bar wide (at most 4 pt), so that a few days read as a few bars.
  const gap = Math.min(bw * 0.2, 4);
  pts.forEach((p, i) => {
    const h = (p.requests / max) * ch;
    doc.rect(36 + i * bw + gap / 2, top + ch - h, Math.max(bw - gap, 0.3), h).fill("#0072b2");
  });
  // Each bar's day under it when there are few enough to read (month-day; the year is below).
  const dayRow = pts.length > 0 && pts.length <= 14 ? 9 : 0;
  if (dayRow)
    pts.forEach((p, i) =>
      doc
        .font("Helvetica")
        .fontSize(6)
        .fillColor("#334155")
        .text(p.t.slice(5), 36 + i * bw, top + ch + 2, { width: bw, align: "center", lineBreak: false }),
    );
  box(
    pts.length ? `${pts[0]!.t} – ${pts.at(-1)!.t} (UTC) · peak ${n.format(max)} requests` : "No usage imported yet.",
    36,
    top + ch + 3 + dayRow,
    chartW,
    10,
    "Helvetica",
    7,
  );
  if (brief.graph) {
    const gx = 36 + chartW + 12;
    const gs = Math.min(W - chartW - 12, 110);
    box(`Main cluster: ${brief.graph.accounts} accounts`, gx, y, W - chartW - 12, 12, "Helvetica-Bold", 9);
    for (const e of brief.graph.edges)
      doc
        .moveTo(gx + e.x1 * gs, top + e.y1 * gs)
        .lineTo(gx + e.x2 * gs, top + e.y2 * gs)
        .stroke("#94a3b8");
    for (const node of brief.graph.nodes)
      doc.circle(gx + node.x * gs, top + node.y * gs, 3).fill(node.kind === "ACCOUNT" ? "#0072b2" : "#e69f00");
  }
  y = top + ch + 18 + dayRow;

  // Timeline, enforcement, productions
  const section = (title: string, lines: string[], height: number, empty = "None.") => {
    if (y + height > bottom - 20) return;
    box(title, 36, y, W, 12, "Helvetica-Bold", 10);
    box(lines.length ? lines.join("\n") : empty, 36, y + 14, W, height - 16, "Helvetica", 8);
    y += height;
  };
  if (brief.level === "full")
    section(
      "Last timeline events",
      brief.events.map((e) => `${briefDay(e.occurredAt)}  ${e.customCategory ?? e.category.toLowerCase()}  ${e.title}`),
      74,
    );
  section(
    "Enforcement",
    brief.enforcement.slice(0, 5).map((a) => {
      const effect = a.effect
        ? `requests ${n.format(a.effect.before.requests)} -> ${n.format(a.effect.after.requests)}, tokens ${n.format(a.effect.before.tokens)} -> ${n.format(a.effect.after.tokens)} (week before -> after)`
        : "effect not measurable";
      return `${briefDay(a.takenAt)}  ${ENFORCEMENT_LABELS[a.kind as keyof typeof ENFORCEMENT_LABELS] ?? a.kind} by ${a.carriedOutBy} (${a.orgName}), ${a.targetCount} ${a.targetCount === 1 ? "target" : "targets"}: ${effect}`;
    }),
    74,
  );
  // Named, not "your organisation": the PDF is read away from the reader's account.
  section(
    `Productions (${brief.productionCount}) by ${brief.readerOrgName}`,
    brief.productions
      .slice(0, 3)
      .map((p) => `${briefDay(p.completedAt)}  ${p.bates}  to ${p.receivingParty}  by ${p.createdBy}`),
    48,
    // As on the page: the productions are listed for the case's members only.
    brief.productionCount ? "Listed for the case's members." : `None by ${brief.readerOrgName} yet.`,
  );

  // Footer
  box(
    // The organisation last: a long name is cut short, never the time.
    `${brief.case.number} · ${tlpLabel(brief.case.tlp)} · generated ${utcLabel(new Date())} · figures as ${brief.readerOrgName} sees them`,
    36,
    bottom - 12,
    W,
    10,
    "Helvetica",
    7,
  );
  doc.end();
  return done;
}

/** The brief of a case as a PDF, for whoever may read it (getCaseBrief decides how much). */
export async function exportBriefPdf(actor: TActor, caseId: unknown, size: unknown) {
  const brief = await getCaseBrief(actor, caseId);
  const pdf = await renderBriefPdf(brief, size === "letter" ? "LETTER" : "A4");
  return { pdf, fileName: `${brief.case.number}-brief.pdf` };
}
