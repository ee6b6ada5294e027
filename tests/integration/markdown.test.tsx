import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/components/ui/markdown";

describe("Markdown rendering of notes and summaries", () => {
  it("keeps formatting but never emits script, raw HTML, event handlers or javascript: links", () => {
    const html = renderToStaticMarkup(
      <Markdown>
        {[
          "**bold** and a [good link](https://example.org)",
          "<script>alert(1)</script>",
          '<img src="x" onerror="alert(2)">',
          "[bad link](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)",
          "![tracker](https://attacker.example/pixel.png)",
        ].join("\n\n")}
      </Markdown>,
    );
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('href="https://example.org"');
    expect(html).toMatch(/rel="noopener noreferrer nofollow"/);
    expect(html).not.toMatch(/<script|onerror|javascript:|data:text|<img/i);
    expect(html).toContain("[image: tracker]");
  });
});
