import { LoadingSkeleton } from "@/components/ui/loading-skeleton";

export default function Loading() {
  return (
    <LoadingSkeleton
      label="Loading user…"
      blocks={["h-8 w-64", "h-40", "h-28", "h-40"]}
      className="max-w-3xl space-y-6"
    />
  );
}
