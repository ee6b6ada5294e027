import { z } from "zod";
import { NUL_MESSAGE, hasNoNul } from "@/lib/validation";
import { GLOBAL_ROLES } from "@/lib/auth/permissions";
import { isCommonPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";

// Input shapes for admin user management. The server parse in lib/users/mutations.ts is the one
// that counts; messages are written to be shown under the form fields as they are.

export const USERS_PAGE_SIZE = 25;
export const USER_STATUSES = ["active", "disabled"] as const;

const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .email("Enter a valid email address.")
  .max(254, "Email must be at most 254 characters.");
const ZName = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(200, "Name must be at most 200 characters.")
  .refine(hasNoNul, NUL_MESSAGE);
// An admin manages their own organisation's users only: the organisation is the admin's, and a
// form need not send it. One that does is checked against it (lib/users/mutations.ts).
const ZOrgId = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().optional());
const ZRole = z.enum(GLOBAL_ROLES, "Choose a role.");
const ZPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(1024, "Password must be at most 1024 characters.")
  .refine(
    (p) => !isCommonPassword(p),
    "This password is too common (it is on a list of leaked passwords). Choose another.",
  );

function confirmMatches(value: { password: string; confirmPassword: string }, ctx: z.RefinementCtx): void {
  if (value.password !== value.confirmPassword) {
    ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "The two passwords do not match." });
  }
}

export const ZCreateUser = z
  .object({ email: ZEmail, name: ZName, orgId: ZOrgId, role: ZRole, password: ZPassword, confirmPassword: z.string() })
  .superRefine(confirmMatches);
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZUpdateUser = z.object({ orgId: ZOrgId, role: ZRole });
export type TUpdateUser = z.infer<typeof ZUpdateUser>;

export const ZResetPassword = z
  .object({ password: ZPassword, confirmPassword: z.string() })
  .superRefine(confirmMatches);
export type TResetPassword = z.infer<typeof ZResetPassword>;

export const ZChangeOwnPassword = z
  .object({
    currentPassword: z.string().min(1, "Type your current password.").max(1024),
    password: ZPassword,
    confirmPassword: z.string(),
  })
  .superRefine(confirmMatches)
  .refine((v) => v.password !== v.currentPassword, {
    message: "Choose a password different from your current one.",
    path: ["password"],
  });
export type TChangeOwnPassword = z.infer<typeof ZChangeOwnPassword>;

// Filters come from the URL, so anything malformed is dropped (the unfiltered list) rather than
// refused: a hand-edited link should still show a page.
const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (firstValue(v) === "" ? undefined : firstValue(v)), schema.optional()).catch(undefined);

export const ZUserFilters = z.object({
  q: optional(z.string().trim().max(200)),
  role: optional(z.enum(GLOBAL_ROLES)),
  status: optional(z.enum(USER_STATUSES)),
  page: z.preprocess(firstValue, z.coerce.number().int().min(1).max(100_000)).catch(1),
});
export type TUserFilters = z.infer<typeof ZUserFilters>;
