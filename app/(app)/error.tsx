"use client";

import { ErrorMessage, type ErrorBoundaryProps } from "@/components/ui/error-message";

export default function AppError({ reset }: ErrorBoundaryProps) {
  return <ErrorMessage reset={reset} />;
}
