"use client";

import { Button } from "@/components/ui/button";

/** The props Next passes to every error.tsx boundary. */
export type ErrorBoundaryProps = { error: Error & { digest?: string }; reset: () => void };

/**
 * The body of every error boundary: a generic message and a retry, never the error itself
 * (its detail is in the server log, under the digest).
 */
export function ErrorMessage({
  title = "Something went wrong",
  detail = "The page could not be loaded. Try again; if it keeps failing, tell an administrator.",
  reset,
}: {
  title?: string;
  detail?: string;
  reset: () => void;
}) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6">
      <h2 className="font-semibold text-red-800">{title}</h2>
      <p className="mt-1 text-sm text-red-700">{detail}</p>
      <Button variant="secondary" className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
