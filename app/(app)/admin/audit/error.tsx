"use client";

import { ErrorMessage, type ErrorBoundaryProps } from "@/components/ui/error-message";

export default function AuditLogError({ reset }: ErrorBoundaryProps) {
  return (
    <ErrorMessage
      reset={reset}
      title="The audit log could not be loaded"
      detail="Try again; if it keeps failing, check the server log."
    />
  );
}
