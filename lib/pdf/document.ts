import "server-only";
import PDFDocument from "pdfkit";

// The report documents' frame, shared by every PDF Casebridge writes (legal review exports,
// executive summaries): A4, the standard Helvetica fonts (no font files to ship), a TLP banner
// at the top and a footer with the caller's stamp and "Page n" on every page, drawn as each
// page opens. Pages are not buffered: each is written out when the next begins, so a report of
// thousands of pages streams in bounded memory (hence no "of N": the total is not known yet).

export type TPdf = PDFKit.PDFDocument;

export const PAGE_MARGIN = 50;
/** Room kept free at the top and bottom of every page for the banner and footer. */
const BAND = 28;

export const TLP_COLOURS: Record<string, { fill: string; text: string }> = {
  RED: { fill: "#FF2B2B", text: "#000000" },
  AMBER: { fill: "#FFC000", text: "#000000" },
  AMBER_STRICT: { fill: "#FFC000", text: "#000000" },
  GREEN: { fill: "#33FF00", text: "#000000" },
  CLEAR: { fill: "#FFFFFF", text: "#000000" },
};

/** The label FIRST 2.0 prescribes: TLP:AMBER+STRICT and the like. */
export function tlpLabel(tlp: string): string {
  return `TLP:${tlp.replace("_", "+")}`;
}

/**
 * The standard fonts encode WinAnsi only: anything else would print as garbage, so it is shown
 * as "?" (the bundle's DATA files keep the exact text).
 */
export function pdfText(value: string): string {
  return value
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\x20-\x7e\xa0-\xff\n]/g, "?");
}

export type TStamp = { tlp: string; footer: string };

/** A new document whose every page carries the TLP banner and the footer `stamp`. */
export function createPdf(info: { title: string; author: string; subject?: string }, stamp: TStamp): TPdf {
  const doc = new PDFDocument({
    size: "A4",
    autoFirstPage: false,
    margins: { top: PAGE_MARGIN + BAND, bottom: PAGE_MARGIN + BAND, left: PAGE_MARGIN, right: PAGE_MARGIN },
    info: { Title: pdfText(info.title), Author: pdfText(info.author), Subject: pdfText(info.subject ?? "") },
    font: "Helvetica",
  });
  let page = 0;
  doc.on("pageAdded", () => stampPage(doc, stamp, ++page));
  doc.addPage();
  return doc;
}

/** Width of the text column. */
export function contentWidth(doc: TPdf): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

/** Starts a new page unless `height` points still fit on this one. */
export function ensureRoom(doc: TPdf, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

export function heading(doc: TPdf, text: string, level: 1 | 2 = 1): void {
  ensureRoom(doc, level === 1 ? 60 : 40);
  doc.moveDown(level === 1 ? 1 : 0.6);
  doc
    .font("Helvetica-Bold")
    .fontSize(level === 1 ? 16 : 12)
    .fillColor("#0f172a")
    .text(pdfText(text), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.4).font("Helvetica").fontSize(10).fillColor("#1e293b");
}

export function paragraph(doc: TPdf, text: string): void {
  doc
    .font("Helvetica")
    .fontSize(10)
    .fillColor("#1e293b")
    .text(pdfText(text), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.5);
}

/** Label/value lines (a cover page's facts, a summary). */
export function facts(doc: TPdf, rows: readonly [string, string][]): void {
  for (const [label, value] of rows) {
    ensureRoom(doc, 16);
    const y = doc.y;
    doc
      .font("Helvetica-Bold")
      .fontSize(10)
      .fillColor("#334155")
      .text(pdfText(label), doc.page.margins.left, y, { width: 150 });
    doc
      .font("Helvetica")
      .fillColor("#0f172a")
      .text(pdfText(value), doc.page.margins.left + 155, y, { width: contentWidth(doc) - 155 });
    doc.moveDown(0.3);
  }
}

/**
 * Draws the TLP banner (top: the label in the TLP colour on black, as FIRST advises, right; and
 * plain, left) and the footer (the caller's stamp left, "Page n" right) on the page just opened,
 * then puts the cursor back at the top of the text area.
 */
function stampPage(doc: TPdf, stamp: TStamp, n: number): void {
  const label = tlpLabel(stamp.tlp);
  const colour = TLP_COLOURS[stamp.tlp] ?? TLP_COLOURS.CLEAR!;
  const { width, height, margins } = doc.page;
  const bottom = margins.bottom;
  doc.page.margins.bottom = 0; // writing in the margin must not open a new page
  doc.save();
  doc.font("Helvetica-Bold").fontSize(10);
  const w = doc.widthOfString(label) + 12;
  doc.rect(width - PAGE_MARGIN - w, PAGE_MARGIN - 6, w, 18).fill("#000000");
  doc.fillColor(colour.fill).text(label, width - PAGE_MARGIN - w + 6, PAGE_MARGIN - 1, { lineBreak: false });
  doc.fillColor("#000000").text(label, PAGE_MARGIN, PAGE_MARGIN - 1, { lineBreak: false });
  doc
    .moveTo(PAGE_MARGIN, height - PAGE_MARGIN - 8)
    .lineTo(width - PAGE_MARGIN, height - PAGE_MARGIN - 8)
    .lineWidth(0.5)
    .stroke("#94a3b8");
  doc.font("Helvetica").fontSize(8).fillColor("#334155");
  doc.text(pdfText(stamp.footer), PAGE_MARGIN, height - PAGE_MARGIN, { lineBreak: false });
  const pageText = `Page ${n}`;
  doc.text(pageText, width - PAGE_MARGIN - doc.widthOfString(pageText), height - PAGE_MARGIN, { lineBreak: false });
  doc.restore();
  doc.page.margins.bottom = bottom;
  doc.font("Helvetica").fontSize(10).fillColor("#1e293b");
  doc.x = margins.left;
  doc.y = margins.top;
}

/** Fits text on one line of `width` points in the current font: cut, with "...", when longer. */
export function fitLine(doc: TPdf, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = Math.max(0, Math.floor((text.length * width) / doc.widthOfString(text)) - 3);
  while (cut > 0 && doc.widthOfString(`${text.slice(0, cut)}...`) > width) cut--;
  return `${text.slice(0, cut)}...`;
}
