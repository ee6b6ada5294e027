import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { csvCell, exportTimeline } from "@/lib/timeline/export";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { ZTimelineFilters, type TTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase } from "@/tests/helpers/factories";

async function text(
  actor: TActor,
  caseId: string,
  format: "csv" | "json",
  filters: TTimelineFilters = ZTimelineFilters.parse({}),
) {
  let out = "";
  for await (const chunk of exportTimeline(actor, caseId, filters, format)) out += chunk;
  return out;
}

describe("timeline export", () => {
  it("CSV and JSON hold exactly what the reader may see, filtered, with safe cells", async () => {
    const w = await createJointCase();
    await createTimelineEvent(w.investigator, w.caseId, {
      occurredAt: "2026-01-15T09:00",
      timeZone: "America/Los_Angeles",
      title: '=HYPERLINK("x"), quoted',
      category: "EXTRACTION",
      description: "two\nlines",
    });
    await createTimelineEvent(w.investigator, w.caseId, {
      occurredAt: "2026-01-16T09:00Z",
      timeZone: "UTC",
      title: "internal only",
      category: "DETECTION",
      visibility: "OWNER_ORG_ONLY",
    });
    const csv = await text(w.partnerLead, w.caseId, "csv");
    expect(csv.startsWith("\uFEFFid,occurredAt,endsAt,title,")).toBe(true);
    expect(csv).toContain(`2026-01-15T17:00:00.000Z,,"'=HYPERLINK(""x""), quoted","two\nlines",EXTRACTION`);
    expect(csv).not.toContain("internal only");
    expect(csv.trim().split("\r\n")).toHaveLength(2);
    const json = JSON.parse(await text(w.lead, w.caseId, "json")) as { title: string; occurredAt: string }[];
    expect(json.map((e) => e.title)).toEqual(['=HYPERLINK("x"), quoted', "internal only"]);
    const filtered = JSON.parse(
      await text(w.lead, w.caseId, "json", ZTimelineFilters.parse({ category: "DETECTION" })),
    ) as unknown[];
    expect(filtered).toHaveLength(1);
    expect(
      JSON.parse(await text(w.lead, w.caseId, "json", ZTimelineFilters.parse({ q: "nothing like this" }))),
    ).toEqual([]);
    expect(await getDb().auditEvent.count({ where: { caseId: w.caseId, action: "timeline.exported" } })).toBe(4);
  });

  it("non-members get 404 before any byte", async () => {
    const w = await createJointCase();
    await expect(text(w.outsider, w.caseId, "csv")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("escapes cells", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
  });
});
