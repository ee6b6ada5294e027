import "server-only";
import { AppError } from "@/lib/errors";

// The one translation of errors for server actions: forms show `message` (role="alert",
// aria-live) and `fieldErrors` under their inputs. Unexpected errors get a generic message;
// the detail goes to the server log.
export type TActionState = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  /** For conflicts: the server's current version, so the form can offer to reload. */
  conflict?: boolean;
};

export function actionError(error: unknown): TActionState {
  if (error instanceof AppError) {
    return {
      ok: false,
      message: error.message,
      fieldErrors: error.fieldErrors,
      conflict: error.status === 409 || undefined,
    };
  }
  console.error("[action] unexpected error:", error);
  return { ok: false, message: "Something went wrong on our side. Your input is still here; try again." };
}

/** Runs an action body, turning thrown errors into form state. */
export async function runAction(body: () => Promise<TActionState | void>): Promise<TActionState> {
  try {
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
