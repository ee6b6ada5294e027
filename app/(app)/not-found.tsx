import { NotFoundMessage } from "@/components/ui/not-found-message";

// A refused or missing page inside the signed-in layout, which already holds the one <main>.
export default function NotFound() {
  return <NotFoundMessage />;
}
