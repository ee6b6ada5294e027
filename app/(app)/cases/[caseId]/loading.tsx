import { LoadingSkeleton } from "@/components/ui/loading-skeleton";

export default function Loading() {
  return <LoadingSkeleton label="Loading…" blocks={["h-40", "h-24"]} />;
}
