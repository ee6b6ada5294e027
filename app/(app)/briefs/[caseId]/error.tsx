"use client";

import { ErrorMessage, type ErrorBoundaryProps } from "@/components/ui/error-message";

export default function BriefError({ reset }: ErrorBoundaryProps) {
  return (
    <ErrorMessage
      reset={reset}
      title="This brief could not be loaded"
      detail="Nothing was changed. Try again; if it keeps failing, check the server log."
    />
  );
}
