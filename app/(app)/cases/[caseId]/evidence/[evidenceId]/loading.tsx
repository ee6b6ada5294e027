import { LoadingSkeleton } from "@/components/ui/loading-skeleton";

export default function Loading() {
  return <LoadingSkeleton label="Loading evidence…" blocks={["h-32", "h-48"]} />;
}
