import { LoadingSkeleton } from "@/components/ui/loading-skeleton";

export default function Loading() {
  return <LoadingSkeleton label="Loading the audit log…" blocks={["h-8 w-40", "h-24", "h-96"]} />;
}
