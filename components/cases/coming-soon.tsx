import { EmptyState } from "@/components/ui/empty-state";

/** The tabs whose capability has not landed yet say so plainly rather than pretend. */
export function NotYetAvailable({ what }: { what: string }) {
  return (
    <EmptyState title={`${what} is not available yet`}>
      This part of Casebridge is being built. Until then, record findings as notes; they stay in the case and its audit
      log.
    </EmptyState>
  );
}
