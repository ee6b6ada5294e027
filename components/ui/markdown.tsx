import ReactMarkdown from "react-markdown";

// Markdown rendered safely: react-markdown builds React elements (no innerHTML), ignores raw
// HTML unless a plugin enables it (none does here), and its default URL transform drops
// javascript:, vbscript: and data: links. Links open without referrer.
export function Markdown({ children }: { children: string }) {
  return (
    <div className="prose-sm [&_a]:text-brand-700 max-w-none space-y-3 text-sm leading-6 text-slate-800 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:pl-3 [&_blockquote]:text-slate-600 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-3 [&_ul]:list-disc">
      <ReactMarkdown
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
