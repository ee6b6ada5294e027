// Typed errors thrown by lib/ and translated once at the edge: route handlers answer RFC 9457
// problem+json (lib/http.ts), server actions return the message and field errors to the form.
/** A page the message refers to, as forms show it and problem+json carries it. */
export type TErrorLink = { href: string; label: string };

export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fieldErrors?: Record<string, string[]>,
    /** Where the user can act on the error (the earlier import a duplicate collides with). */
    readonly link?: TErrorLink,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = "Sign in to continue.") {
    super(message, 401, "unauthorized");
  }
}

/** Also used for "exists but you may not see it": the two must be indistinguishable. */
export class NotFoundError extends AppError {
  constructor(message = "Not found.") {
    super(message, 404, "not_found");
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You do not have permission to do that.") {
    super(message, 403, "forbidden");
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super(message, 400, "validation", fieldErrors);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, link?: TErrorLink) {
    super(message, 409, "conflict", undefined, link);
  }
}

export class TooLargeError extends AppError {
  constructor(message: string) {
    super(message, 413, "too_large");
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string) {
    super(message, 415, "unsupported_media_type");
  }
}

/** What a refusal says when its fields' own messages say the rest. */
export const FIELDS_REFUSED = "Please correct the highlighted fields.";

/** Turns a failed zod parse into a ValidationError with per-field messages. */
export function validationFromZod(
  error: { issues: { path: PropertyKey[]; message: string }[] },
  message = FIELDS_REFUSED,
): ValidationError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return new ValidationError(message, fieldErrors);
}
