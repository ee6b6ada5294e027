"use client";

import { Button } from "@/components/ui/button";

// Unexpected errors on the summary page: a generic message here, the detail in the server log.
export default function SummaryError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6">
      <h2 className="font-semibold text-red-800">This page could not be loaded</h2>
      <p className="mt-1 text-sm text-red-700">
        Nothing was changed. Try again; if it keeps failing, check the server log.
      </p>
      <Button variant="secondary" className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
