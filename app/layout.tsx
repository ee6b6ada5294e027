import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Casebridge", template: "%s · Casebridge" },
  description: "Joint investigations across organisations: evidence, timeline, linkages, legal exports.",
  // Static files in public/: the favicon (16/32/48), the SVG and PNG icons and the web manifest.
  manifest: "/manifest.webmanifest",
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
};

export const viewport: Viewport = { themeColor: "#1d5fd1" };

// Every page is rendered per request: its scripts carry the request's CSP nonce (proxy.ts), which
// a page prerendered at build time could not.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
