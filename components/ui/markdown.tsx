import ReactMarkdown from "react-markdown";

type TMdNode = { type: string; value?: string; children?: TMdNode[] };

const BLOCK_PARENTS = new Set(["root", "blockquote", "listItem"]);

/**
 * A remark plugin: raw HTML in the text is shown as the text it is, never interpreted and never
 * dropped (`Tenant <tenant-id> used key <sk-redacted>.` reads exactly so). Inline HTML becomes a
 * text node; a block of HTML becomes a paragraph holding its text.
 */
function htmlAsText() {
  const walk = (node: TMdNode) => {
    node.children = node.children?.map((child) => {
      if (child.type !== "html") return (walk(child), child);
      const text = { type: "text", value: child.value ?? "" };
      return BLOCK_PARENTS.has(node.type) ? { type: "paragraph", children: [text] } : text;
    });
  };
  return (tree: TMdNode) => walk(tree);
}

// Markdown rendered safely: react-markdown builds React elements (no innerHTML); raw HTML is
// turned into plain text before rendering (htmlAsText), so no tag or attribute from a note ever
// reaches the page; the default URL transform drops javascript:, vbscript: and data: links.
// Links open without referrer.
export function Markdown({ children }: { children: string }) {
  return (
    <div className="prose-sm [&_a]:text-brand-700 max-w-none space-y-3 text-sm leading-6 text-slate-800 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:pl-3 [&_blockquote]:text-slate-600 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-3 [&_ul]:list-disc">
      <ReactMarkdown
        remarkPlugins={[htmlAsText]}
        skipHtml
        components={{
          a: ({ href, children: text }) => (
            <a href={href} rel="noopener noreferrer nofollow" target="_blank">
              {text}
            </a>
          ),
          img: ({ alt }) => <span>[image: {alt}]</span>,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
