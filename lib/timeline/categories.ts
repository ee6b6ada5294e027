import "server-only";
import type { z } from "zod";
import { getDb, Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { canOnCase, privilegeReader } from "@/lib/auth/permissions";
import { readableItemSql } from "@/lib/auth/visibility";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { requireNoLegalHold } from "@/lib/cases/hold";
import { ConflictError, FIELDS_REFUSED, NotFoundError, ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import {
  FORMER_CATEGORY_ATTRIBUTE,
  ZCreateCaseCategory,
  ZDeleteCaseCategory,
  ZUpdateCaseCategory,
  categoryColour,
} from "@/lib/timeline/category-schemas";
import { timelineWhere } from "@/lib/timeline/sql";
import { derivedFromTimeline } from "@/lib/timeline/derived-cache";
import { ZTimelineFilters } from "@/lib/timeline/schemas";

// A case's own event categories. Each organisation keeps its own list on the case (its leads
// rename, recolour and delete them, changing its own events only: a partner's events are
// read-only to them). A reader sees its organisation's categories, and the names carried by the
// events it can see: never a partner's category that no visible event carries.

type Tx = Prisma.TransactionClient;

export type TCaseCategoryView = {
  /** Null for a partner's category: shown, not managed. */
  id: string | null;
  name: string;
  /** The hex colour drawn (chosen, or from the name). */
  colour: string;
  /** The palette key chosen, if any (the edit form's value). */
  colourKey: string | null;
  version: number | null;
  /** Visible events carrying it. */
  events: number;
};

/** Records that the organisation uses these names on the case (an import, an event saved by hand). */
export async function ensureCaseCategories(tx: Tx, caseId: string, orgId: string, names: string[]): Promise<void> {
  const distinct = [...new Set(names.filter(Boolean))];
  if (!distinct.length) return;
  await tx.$executeRaw`
    INSERT INTO "CaseCategory" (id, "caseId", "orgId", name, "updatedAt")
    SELECT gen_random_uuid(), ${caseId}::uuid, ${orgId}::uuid, n, now() FROM unnest(${distinct}::text[]) AS n
    ON CONFLICT ("caseId", "orgId", name) DO NOTHING`;
}

/**
 * The categories the actor's organisation defined on the case and those its visible events
 * carry, by name, with a count of visible events each; and whether the actor may manage them.
 */
export async function listCaseCategories(
  actor: TActor,
  caseId: unknown,
): Promise<{ categories: TCaseCategoryView[]; canManage: boolean }> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const reader = privilegeReader(actor, facts);
  const visible = timelineWhere(actor, reader, c.id, ZTimelineFilters.parse({}));
  // The counts are a pass over the case's events: kept while its timeline is unchanged.
  const usedSql = Prisma.sql`
    SELECT e."customCategory" AS name, count(*)::int AS n FROM "TimelineEvent" e
    WHERE ${visible} AND ${readableItemSql(reader, "e")} AND e."customCategory" IS NOT NULL GROUP BY 1`;
  const used = await derivedFromTimeline(c.id, actor, usedSql, () =>
    getDb().$queryRaw<{ name: string; n: number }[]>(usedSql),
  );
  const rows = await getDb().$queryRaw<
    { id: string | null; name: string; colour: string | null; version: number | null; events: number }[]
  >`
    WITH used AS (
      SELECT u.name, u.n FROM json_to_recordset(${JSON.stringify(used)}::json) AS u(name text, n int)
    ), own AS (
      SELECT id, name, colour, version FROM "CaseCategory" WHERE "caseId" = ${c.id}::uuid AND "orgId" = ${actor.orgId}::uuid
    )
    SELECT own.id, COALESCE(own.name, used.name) AS name, COALESCE(used.n, 0) AS events, own.version,
           COALESCE(own.colour, (SELECT p.colour FROM "CaseCategory" p
                                 WHERE p."caseId" = ${c.id}::uuid AND p.name = used.name AND p.colour IS NOT NULL
                                 ORDER BY p."createdAt" LIMIT 1)) AS colour
    FROM own FULL JOIN used ON used.name = own.name
    ORDER BY lower(COALESCE(own.name, used.name)), 2
    LIMIT 500`;
  return {
    categories: rows.map((r) => ({
      id: r.id,
      name: r.name,
      colour: categoryColour(r.name, r.colour),
      colourKey: r.id ? r.colour : null,
      version: r.version,
      events: r.events,
    })),
    canManage: canOnCase(actor, "timeline.categories", facts),
  };
}

/** Adds a category to the actor's organisation's list (before any event carries it). */
export async function createCaseCategory(actor: TActor, caseId: unknown, input: unknown): Promise<{ id: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "timeline.categories");
  const data = parseInput(ZCreateCaseCategory, input);
  return getDb().$transaction(async (tx) => {
    await requireFreeName(tx, c.id, actor.orgId, data.name, null);
    const created = await tx.caseCategory.create({
      data: { caseId: c.id, orgId: actor.orgId, name: data.name, colour: data.colour ?? null },
      select: { id: true },
    });
    await audit(tx, actor, c.id, "timeline.category_created", created.id, { name: data.name, colour: data.colour });
    return created;
  });
}

/** Renames and/or recolours a category; a new name is written onto the organisation's events using it. */
export async function updateCaseCategory(
  actor: TActor,
  caseId: unknown,
  categoryId: unknown,
  input: unknown,
): Promise<{ events: number }> {
  const { c, category, data } = await loadOwn(actor, caseId, categoryId, ZUpdateCaseCategory, input);
  return getDb().$transaction(async (tx) => {
    const renamed = data.name !== category.name;
    if (renamed) {
      await requireNoLegalHold(tx, c.id, "its events cannot be changed");
      await requireFreeName(tx, c.id, actor.orgId, data.name, category.id);
    }
    await saveVersion(tx, category.id, data.version, { name: data.name, colour: data.colour ?? null });
    const events = renamed ? await renameEvents(tx, c.id, actor.orgId, category.name, data.name) : 0;
    await audit(tx, actor, c.id, "timeline.category_updated", category.id, {
      from: category.name,
      name: data.name,
      colour: data.colour,
      events,
    });
    return { events };
  });
}

/**
 * Deletes a category. Its organisation's events are not deleted: they move to `moveTo` (another
 * of its categories), or keep their built-in category, the old name kept as an attribute.
 */
export async function deleteCaseCategory(
  actor: TActor,
  caseId: unknown,
  categoryId: unknown,
  input: unknown,
): Promise<{ events: number }> {
  const { c, category, data } = await loadOwn(actor, caseId, categoryId, ZDeleteCaseCategory, input);
  return getDb().$transaction(async (tx) => {
    const target = data.moveTo
      ? await tx.caseCategory.findFirst({
          where: { id: data.moveTo, caseId: c.id, orgId: actor.orgId, NOT: { id: category.id } },
          select: { name: true },
        })
      : null;
    if (data.moveTo && !target)
      throw new ValidationError(FIELDS_REFUSED, {
        moveTo: ["Choose another of your organisation's categories on this case."],
      });
    await requireNoLegalHold(tx, c.id, "its events cannot be changed");
    const { count } = await tx.caseCategory.deleteMany({ where: { id: category.id, version: data.version } });
    if (count === 0) throw changedMeanwhile();
    // visibility: the actor's own organisation's events (orgId), all of which it can see.
    const events = target
      ? await renameEvents(tx, c.id, actor.orgId, category.name, target.name)
      : await tx.$executeRaw`
          UPDATE "TimelineEvent"
          SET "customCategory" = NULL, version = version + 1, "updatedAt" = now(),
              attributes = COALESCE(attributes, '{}'::jsonb) || jsonb_build_object(${FORMER_CATEGORY_ATTRIBUTE}::text, ${category.name}::text)
          WHERE "caseId" = ${c.id}::uuid AND "orgId" = ${actor.orgId}::uuid AND "customCategory" = ${category.name}`;
    await audit(tx, actor, c.id, "timeline.category_deleted", category.id, {
      name: category.name,
      movedTo: target?.name ?? null,
      events,
    });
    return { events };
  });
}

/**
 * The case (for a lead), the actor's organisation's category on it, and the parsed input.
 * Another organisation's category is not found (404), like one that does not exist.
 */
async function loadOwn<S extends z.ZodType>(
  actor: TActor,
  caseId: unknown,
  categoryId: unknown,
  schema: S,
  input: unknown,
) {
  const { case: c } = await requireCaseAccess(actor, caseId, "timeline.categories");
  const category = await getDb().caseCategory.findFirst({
    where: { id: parseId(categoryId), caseId: c.id, orgId: actor.orgId },
    select: { id: true, name: true },
  });
  if (!category) throw new NotFoundError();
  return { c, category, data: parseInput(schema, input) };
}

/** The organisation's events in category `from` move to `to`; answers how many. */
function renameEvents(tx: Tx, caseId: string, orgId: string, from: string, to: string): Promise<number> {
  // visibility: the actor's own organisation's events (orgId), all of which it can see.
  return tx.$executeRaw`
    UPDATE "TimelineEvent" SET "customCategory" = ${to}, version = version + 1, "updatedAt" = now()
    WHERE "caseId" = ${caseId}::uuid AND "orgId" = ${orgId}::uuid AND "customCategory" = ${from}`;
}

async function requireFreeName(tx: Tx, caseId: string, orgId: string, name: string, self: string | null) {
  const clash = await tx.caseCategory.findFirst({
    where: { caseId, orgId, name: { equals: name, mode: "insensitive" }, ...(self ? { NOT: { id: self } } : {}) },
    select: { name: true },
  });
  if (clash)
    throw new ConflictError(
      `Your organisation already has the category “${clash.name}” on this case: choose another name, or delete one and move its events to the other.`,
    );
}

async function saveVersion(tx: Tx, id: string, version: number, data: { name: string; colour: string | null }) {
  const { count } = await tx.caseCategory.updateMany({
    where: { id, version },
    data: { ...data, version: { increment: 1 } },
  });
  if (count === 0) throw changedMeanwhile();
}

const changedMeanwhile = () =>
  new ConflictError("Someone changed or deleted this category meanwhile. Reload the page to see it as it is now.");

function audit(tx: Tx, actor: TActor, caseId: string, action: string, id: string, details: Record<string, unknown>) {
  return recordAudit(
    {
      actorId: actor.id,
      action,
      targetType: "case_category",
      targetId: id,
      caseId,
      // The names are the organisation's own words, possibly from its private events.
      scope: { org: actor.orgId },
      details,
    },
    tx,
  );
}
