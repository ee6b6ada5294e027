import "server-only";
import { contentWidth, ensureRoom, pdfText, type TPdf } from "@/lib/pdf/document";

// Charts drawn as vectors (sharp at any zoom, searchable labels), in the Okabe–Ito palette the
// app's charts use (colour-blind safe). Each has a title and labelled axes with units; the
// caller prints the data as a table too ("view as table" on paper).

export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

/** A bar chart of counts over ordered categories (days, weeks). */
export function barChart(
  doc: TPdf,
  chart: { title: string; xLabel: string; yLabel: string; data: readonly { label: string; value: number }[] },
): void {
  const height = 200;
  ensureRoom(doc, height + 60);
  const left = doc.page.margins.left + 40;
  const width = contentWidth(doc) - 50;
  doc.font("Helvetica-Bold").fontSize(10).fillColor("#0f172a").text(pdfText(chart.title), doc.page.margins.left, doc.y);
  const top = doc.y + 8;
  const max = Math.max(1, ...chart.data.map((d) => d.value));
  doc.lineWidth(0.5).strokeColor("#475569");
  doc
    .moveTo(left, top)
    .lineTo(left, top + height)
    .lineTo(left + width, top + height)
    .stroke();
  doc.font("Helvetica").fontSize(7).fillColor("#334155");
  for (const f of [0, 0.5, 1]) {
    const y = top + height - f * height;
    doc.text(String(Math.round(max * f)), left - 38, y - 3, { width: 34, align: "right" });
  }
  const n = Math.max(chart.data.length, 1);
  const step = width / n;
  chart.data.forEach((d, i) => {
    const h = (d.value / max) * height;
    doc.rect(left + i * step + step * 0.1, top + height - h, Math.max(step * 0.8, 0.5), h).fill(PALETTE[0]!);
  });
  doc.fillColor("#334155");
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  chart.data.forEach((d, i) => {
    if (i % labelEvery === 0)
      doc.text(pdfText(d.label), left + i * step, top + height + 3, { width: 60, lineBreak: false });
  });
  doc.text(pdfText(chart.xLabel), left, top + height + 14, { width, align: "center" });
  doc.save().rotate(-90, { origin: [doc.page.margins.left, top + height / 2] });
  doc.text(pdfText(chart.yLabel), doc.page.margins.left - height / 2, top + height / 2 - 10, {
    width: height,
    align: "center",
  });
  doc.restore();
  doc.x = doc.page.margins.left;
  doc.y = top + height + 30;
}

export type TGraphPicture = {
  title: string;
  nodes: readonly { id: string; x: number; y: number; label: string; group: number }[];
  edges: readonly { source: string; target: string }[];
  legend: readonly string[];
};

/** A node-link picture from laid-out positions, scaled into a square; labels on small graphs. */
export function graphPicture(doc: TPdf, g: TGraphPicture): void {
  const size = Math.min(contentWidth(doc), 360);
  ensureRoom(doc, size + 60);
  doc.font("Helvetica-Bold").fontSize(10).fillColor("#0f172a").text(pdfText(g.title), doc.page.margins.left, doc.y);
  const top = doc.y + 6;
  const left = doc.page.margins.left;
  const xs = g.nodes.map((n) => n.x);
  const ys = g.nodes.map((n) => n.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(maxX - minX, maxY - minY, 1e-9);
  const at = new Map(
    g.nodes.map((n) => [
      n.id,
      { x: left + 10 + ((n.x - minX) / span) * (size - 20), y: top + 10 + ((n.y - minY) / span) * (size - 20) },
    ]),
  );
  doc.rect(left, top, size, size).lineWidth(0.5).stroke("#cbd5e1");
  doc.lineWidth(0.4).strokeColor("#94a3b8");
  for (const e of g.edges) {
    const a = at.get(e.source);
    const b = at.get(e.target);
    if (a && b) doc.moveTo(a.x, a.y).lineTo(b.x, b.y).stroke();
  }
  const labels = g.nodes.length <= 40;
  for (const n of g.nodes) {
    const p = at.get(n.id)!;
    doc.circle(p.x, p.y, 3).fill(PALETTE[n.group % PALETTE.length]!);
    if (labels)
      doc
        .font("Helvetica")
        .fontSize(5.5)
        .fillColor("#0f172a")
        .text(pdfText(n.label), p.x + 4, p.y - 3, { lineBreak: false });
  }
  let y = top;
  g.legend.forEach((name, i) => {
    doc.circle(left + size + 16, y + 4, 3).fill(PALETTE[i % PALETTE.length]!);
    doc
      .font("Helvetica")
      .fontSize(7)
      .fillColor("#0f172a")
      .text(pdfText(name), left + size + 24, y, { lineBreak: false });
    y += 12;
  });
  doc.x = left;
  doc.y = top + size + 12;
}
