import { NotFoundMessage } from "@/components/ui/not-found-message";

// Unmatched URLs, outside the signed-in layout: this page is the whole document, so it is the <main>.
export default function NotFound() {
  return (
    <main>
      <NotFoundMessage />
    </main>
  );
}
