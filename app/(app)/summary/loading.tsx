import { LoadingSkeleton } from "@/components/ui/loading-skeleton";

export default function Loading() {
  return <LoadingSkeleton label="Loading the summary…" blocks={["h-8 w-56", "h-24", "h-64"]} />;
}
