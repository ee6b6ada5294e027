import "server-only";
import { AppError, ValidationError, type TErrorLink } from "@/lib/errors";

// The one translation of errors for server actions: forms show `message` (role="alert",
// aria-live) and `fieldErrors` under their inputs. Unexpected errors get a generic message;
// the detail goes to the server log.
export type TActionState = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  /** For conflicts: the server's current version, so the form can offer to reload. */
  conflict?: boolean;
  /** A page the message refers to (shown after it as a link). */
  link?: TErrorLink;
};

export function actionError(error: unknown): TActionState {
  if (error instanceof AppError) {
    return {
      ok: false,
      message: error.message,
      fieldErrors: error.fieldErrors,
      conflict: error.status === 409 || undefined,
      link: error.link,
    };
  }
  console.error("[action] unexpected error:", error);
  return { ok: false, message: "Something went wrong on our side. Your input is still here; try again." };
}

/**
 * The form an action declares is what it received: a FormData when our forms post, but a
 * hand-made request can put anything in its place (or nothing), which would fail as a TypeError.
 */
export function requireForm(form: unknown): asserts form is FormData {
  if (!(form instanceof FormData)) throw new ValidationError("This action takes a form's fields.");
}

/**
 * Runs an action body, turning thrown errors into form state. `form`, when the action declares
 * one, is checked first (requireForm).
 */
export async function runAction(body: () => Promise<TActionState | void>, ...form: [unknown?]): Promise<TActionState> {
  try {
    if (form.length) requireForm(form[0]);
    return (await body()) ?? { ok: true };
  } catch (error) {
    // next/navigation's redirect() and notFound() work by throwing; let them through.
    if (
      error instanceof Error &&
      "digest" in error &&
      typeof error.digest === "string" &&
      error.digest.startsWith("NEXT_")
    ) {
      throw error;
    }
    return actionError(error);
  }
}
