import "server-only";
import { contentWidth, ensureRoom, pdfText, type TPdf } from "@/lib/pdf/document";

// A table drawn row by row: the header repeats on every page the table runs onto, and each
// row's height follows its tallest cell. Rows may come from an async source (thousands of
// evidence items) and are drawn as they arrive.

export type TColumn = { label: string; width: number; mono?: boolean };

const SIZE = 7.5;
const PAD = 2;

function drawRow(doc: TPdf, columns: readonly TColumn[], cells: readonly string[], header: boolean): void {
  const total = columns.reduce((s, c) => s + c.width, 0);
  const scale = contentWidth(doc) / total;
  const widths = columns.map((c) => c.width * scale);
  const fontOf = (c: TColumn) => (header ? "Helvetica-Bold" : c.mono ? "Courier" : "Helvetica");
  const texts = cells.map((c) => pdfText(c));
  const height =
    Math.max(
      ...texts.map((t, i) =>
        doc
          .font(fontOf(columns[i]!))
          .fontSize(SIZE)
          .heightOfString(t || " ", { width: widths[i]! - 2 * PAD }),
      ),
    ) +
    2 * PAD;
  ensureRoom(doc, height);
  const top = doc.y;
  let x = doc.page.margins.left;
  if (header) doc.rect(x, top, contentWidth(doc), height).fill("#e2e8f0");
  texts.forEach((t, i) => {
    doc
      .font(fontOf(columns[i]!))
      .fontSize(SIZE)
      .fillColor("#0f172a")
      .text(t, x + PAD, top + PAD, { width: widths[i]! - 2 * PAD });
    x += widths[i]!;
  });
  doc
    .moveTo(doc.page.margins.left, top + height)
    .lineTo(doc.page.margins.left + contentWidth(doc), top + height)
    .lineWidth(0.3)
    .stroke("#cbd5e1");
  doc.x = doc.page.margins.left;
  doc.y = top + height;
}

/** Draws a table; `rows` may be an array or an async iterable of row batches. */
export async function table(
  doc: TPdf,
  columns: readonly TColumn[],
  rows: Iterable<readonly string[]> | AsyncIterable<readonly (readonly string[])[]>,
): Promise<number> {
  const header = columns.map((c) => c.label);
  drawRow(doc, columns, header, true);
  let count = 0;
  let page = doc.bufferedPageRange().count;
  const draw = (cells: readonly string[]) => {
    drawRow(doc, columns, cells, false);
    count++;
    const now = doc.bufferedPageRange().count;
    if (now !== page) {
      // The row opened a page: it was drawn there after a page break, so draw the header above
      // the next row instead (simple, and every page of the table still has one).
      page = now;
      drawRow(doc, columns, header, true);
    }
  };
  if (Symbol.asyncIterator in rows) {
    for await (const batch of rows as AsyncIterable<readonly (readonly string[])[]>) batch.forEach(draw);
  } else {
    for (const cells of rows as Iterable<readonly string[]>) draw(cells);
  }
  doc.moveDown(0.5);
  return count;
}
