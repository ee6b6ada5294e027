import "server-only";
import { contentWidth, ensureRoom, fitLine, pdfText, type TPdf } from "@/lib/pdf/document";

// A table drawn row by row, one line per row (a longer cell is cut with "..."; the full values
// are in the bundle's DATA files): fixed row heights need no text measuring, so a table of tens
// of thousands of rows (custody of every produced item) draws in seconds. The header repeats on
// every page the table runs onto. Rows may come from an async source and are drawn as they arrive.

export type TColumn = { label: string; width: number; mono?: boolean };

const SIZE = 7;
/** Courier is wide: a SHA-256 (64 characters) fits a third of the page at this size. */
const MONO_SIZE = 4.8;
const PAD = 2;
const ROW = SIZE + 2 * PAD + 1;

function drawRow(doc: TPdf, columns: readonly TColumn[], cells: readonly string[], header: boolean): void {
  const total = columns.reduce((s, c) => s + c.width, 0);
  const scale = contentWidth(doc) / total;
  if (doc.y + ROW > doc.page.height - doc.page.margins.bottom) {
    doc.addPage();
    if (!header)
      drawRow(
        doc,
        columns,
        columns.map((c) => c.label),
        true,
      );
  }
  const top = doc.y;
  let x = doc.page.margins.left;
  if (header) doc.rect(x, top, contentWidth(doc), ROW).fill("#e2e8f0");
  cells.forEach((cell, i) => {
    const column = columns[i]!;
    const width = column.width * scale - 2 * PAD;
    const mono = column.mono && !header;
    doc
      .font(header ? "Helvetica-Bold" : mono ? "Courier" : "Helvetica")
      .fontSize(mono ? MONO_SIZE : SIZE)
      .fillColor("#0f172a");
    const text = fitLine(doc, pdfText(cell).replace(/\s+/g, " "), width);
    doc.text(text, x + PAD, top + PAD + (mono ? (SIZE - MONO_SIZE) / 2 : 0), { lineBreak: false });
    x += column.width * scale;
  });
  doc
    .moveTo(doc.page.margins.left, top + ROW)
    .lineTo(doc.page.margins.left + contentWidth(doc), top + ROW)
    .lineWidth(0.3)
    .stroke("#cbd5e1");
  doc.x = doc.page.margins.left;
  doc.y = top + ROW;
}

/** Draws a table; `rows` may be an array or an async iterable of row batches. Answers the row count. */
export async function table(
  doc: TPdf,
  columns: readonly TColumn[],
  rows: Iterable<readonly string[]> | AsyncIterable<readonly (readonly string[])[]>,
): Promise<number> {
  ensureRoom(doc, 3 * ROW);
  drawRow(
    doc,
    columns,
    columns.map((c) => c.label),
    true,
  );
  let count = 0;
  const draw = (cells: readonly string[]) => {
    drawRow(doc, columns, cells, false);
    count++;
  };
  if (Symbol.asyncIterator in rows) {
    for await (const batch of rows as AsyncIterable<readonly (readonly string[])[]>) batch.forEach(draw);
  } else {
    for (const cells of rows as Iterable<readonly string[]>) draw(cells);
  }
  doc.moveDown(0.5);
  return count;
}
