import { LoadingSkeleton } from "@/components/ui/loading-skeleton";

export default function Loading() {
  return <LoadingSkeleton label="Loading…" blocks={["h-8 w-40", "h-10", "h-40"]} />;
}
