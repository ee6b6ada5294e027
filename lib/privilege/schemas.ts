import { z } from "zod";
import { PRIVILEGE_BASES } from "@/lib/auth/permissions";
import type { PrivilegeBasis } from "@/lib/generated/prisma/enums";
import { ZVersion } from "@/lib/validation";

/** How each basis reads in the app, the stub and the privilege log. */
export const PRIVILEGE_BASIS_LABELS: Record<PrivilegeBasis, string> = {
  ATTORNEY_CLIENT: "Attorney–client",
  WORK_PRODUCT: "Work product",
  COMMON_INTEREST: "Common interest",
};

export const PRIVILEGE_DESCRIPTION_MAX = 1000;

/**
 * Flagging an item privileged: the basis, and a description for the privilege log that says
 * what the item is without saying what it holds ("Memo from outside counsel on notice duties").
 */
export const ZFlagPrivilege = z.object({
  basis: z.enum(PRIVILEGE_BASES, { message: "Choose the basis of the privilege." }),
  description: z
    .string({ message: "Describe the item for the privilege log." })
    .trim()
    .min(5, { message: "Describe the item for the privilege log (at least 5 characters)." })
    .max(PRIVILEGE_DESCRIPTION_MAX, {
      message: `The description can be at most ${PRIVILEGE_DESCRIPTION_MAX.toLocaleString("en")} characters.`,
    }),
  version: ZVersion,
});
export type TFlagPrivilege = z.infer<typeof ZFlagPrivilege>;

export const ZUnflagPrivilege = z.object({ version: ZVersion });
