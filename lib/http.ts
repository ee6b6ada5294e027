import "server-only";
import { AppError } from "@/lib/errors";

// The one translation of errors for route handlers: RFC 9457 problem+json. Typed errors keep
// their status and message; anything else is a generic 500 with the detail in the server log.
export function problem(status: number, title: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ type: "about:blank", status, title, ...extra }, {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
  });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return problem(error.status, error.message, { code: error.code, ...(error.fieldErrors ? { errors: error.fieldErrors } : {}) });
  }
  console.error("[route] unexpected error:", error);
  return problem(500, "Something went wrong on our side. Try again later.", { code: "internal" });
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler so that every error leaves as problem+json. */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
