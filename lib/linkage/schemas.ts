import { z } from "zod";
import { ENTITY_KINDS, LINK_KINDS } from "@/lib/linkage/graph-types";
import { hasNoNul, NUL_MESSAGE, ZVersion } from "@/lib/validation";

// Input of the linkage forms and routes (shared with the client forms).

const text = (max: number) => z.string().trim().max(max).refine(hasNoNul, NUL_MESSAGE);
const ZVisibility = z.enum(["ALL_CASE_ORGS", "OWNER_ORG_ONLY"]).default("ALL_CASE_ORGS");
const ZId = z.string().uuid({ message: "Not a valid id." });

export const ZEntityInput = z.object({
  kind: z.enum(ENTITY_KINDS, { message: "Choose a kind." }),
  value: text(512).min(1, "Enter a value."),
  label: text(200).default(""),
  visibility: ZVisibility,
});

export const ZLinkInput = z
  .object({
    fromId: ZId,
    /** The other entity: its id, or its value as written (then `toKind` says which kind it is). */
    toId: text(512).min(1, "Enter the other entity's value or id."),
    toKind: z.enum(ENTITY_KINDS).optional().catch(undefined),
    kind: z.enum(LINK_KINDS, { message: "Choose a kind of link." }),
    confidence: z.coerce.number().int().min(0).max(100),
    rationale: text(2_000).min(1, "Say why: a link needs its reason."),
    evidenceIds: z.array(ZId).max(50).default([]),
    visibility: ZVisibility,
  })
  .refine((l) => l.fromId !== l.toId, { message: "A link joins two different entities.", path: ["toId"] });

export const ZLinkRevision = z.object({
  version: ZVersion,
  confidence: z.coerce.number().int().min(0).max(100),
  rationale: text(2_000).min(1, "Say why the link changes."),
  retract: z.coerce.boolean().default(false),
});

export const ZAcceptAbove = z.object({
  minConfidence: z.coerce.number().int().min(0).max(100),
  rule: z.string().max(100).optional(),
});

/** The target: an entity id, or the value of an entity of the source's kind. */
export const ZMerge = z.object({ sourceId: ZId, target: text(512).min(1, "Name the entity to merge into.") });

export const ZClusterName = z.object({ anchorId: ZId, name: text(120).min(1, "Enter a name.") });

export const ZClusterQuery = z.object({
  minConfidence: z.coerce.number().int().min(0).max(100).optional(),
});

export const ZEntityFilters = z.object({
  q: text(200).default(""),
  kind: z.enum(ENTITY_KINDS).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
