import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Casebridge", template: "%s · Casebridge" },
  description: "Joint investigations across organisations: evidence, timeline, linkages, legal exports.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
