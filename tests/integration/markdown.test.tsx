import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/components/ui/markdown";

const render = (text: string) => renderToStaticMarkup(<Markdown>{text}</Markdown>);
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");

describe("Markdown rendering of notes and summaries", () => {
  it("keeps formatting but never emits script, raw HTML, event handlers or javascript: links", () => {
    const html = render(
      [
        "**bold** and a [good link](https://example.org)",
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(2)">',
        "[bad link](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)",
        "![tracker](https://attacker.example/pixel.png)",
      ].join("\n\n"),
    );
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('href="https://example.org"');
    expect(html).toMatch(/rel="noopener noreferrer nofollow"/);
    // Tags appear only escaped, as text: no element, no attribute, no script link.
    expect(html).not.toMatch(/<script|<img|\sonerror="|href="javascript:|href="data:/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("[image: tracker]");
  });

  it("shows text in angle brackets as written, inline and as a block", () => {
    const inline = render("Tenant <tenant-id> used key <sk-redacted>.");
    expect(textOf(inline)).toBe("Tenant <tenant-id> used key <sk-redacted>.");
    const block = render('Before\n\n<div class="x">\nraw block\n</div>\n\n> quoted <b>bold</b>');
    expect(textOf(block)).toContain('<div class="x">\nraw block\n</div>');
    expect(textOf(block)).toContain("quoted <b>bold</b>");
    expect(block).not.toMatch(/<div class="x"|<b>/);
  });
});
