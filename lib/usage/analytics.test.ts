import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { sampleRows, topUsage, usageRows, usageSeries } from "@/lib/usage/analytics";
import { parseUsageFilters } from "@/lib/usage/filters";
import { hoursOf, loadUsage, T0 } from "@/tests/helpers/usage";

// The Usage tab's queries over rollups (charts, tables) and raw rows (drill-down pages).

const f = (params: Record<string, string> = {}) => parseUsageFilters(params);

async function fixture() {
  const first = await loadUsage(
    hoursOf(48, (h) => [
      { account: "acct_a", hour: h, requests: 100, model: h < 24 ? "gpt-4o" : "o3-mini", ip: "203.0.113.7" },
      {
        account: "acct_b",
        hour: h,
        requests: 10,
        model: "gpt-4o",
        ip: "198.51.100.20",
        rateLimited: h % 2 === 0,
        endpoint: "/v1/embeddings",
      },
      { account: "acct_c", hour: h, requests: 1, model: "gpt-4o", ip: "2001:db8:1:2::5" },
    ]),
  );
  const second = await loadUsage(
    hoursOf(2, (h) => ({ account: "acct_hidden", hour: h, requests: 9_999 })),
    first.caseId,
  );
  return { caseId: first.caseId, visible: [first.importId], hidden: second.importId };
}

describe("usage analytics", () => {
  it("stacks requests over time by model or by account, with the rate-limited share, from the imports in scope only", async () => {
    const { caseId, visible } = await fixture();
    const byModel = await usageSeries({ caseId, importIds: visible }, f(), "model");
    expect(byModel.bucket).toBe("hour");
    expect(byModel.keys).toEqual(["gpt-4o", "o3-mini"]);
    expect(byModel.points).toHaveLength(48);
    expect(byModel.points[0]).toMatchObject({ t: new Date(T0).toISOString(), "gpt-4o": 111 });
    expect(byModel.points[30]).toMatchObject({ "gpt-4o": 11, "o3-mini": 100 });
    expect(byModel.rateLimited[0]).toEqual({
      t: new Date(T0).toISOString(),
      requests: 111,
      limited: 10,
      share: 10 / 111,
    });
    expect(byModel.rateLimited[1]!.limited).toBe(0);

    const byAccount = await usageSeries({ caseId, importIds: visible }, f(), "account");
    expect(byAccount.keys).toEqual(["acct_a", "acct_b", "acct_c"]); // never acct_hidden
  });

  it("keeps the empty buckets between busy ones on the time axis, and a years-long span in months", async () => {
    // Hours 0, 1 and 5: hours 2 to 4 are on the axis, empty (the share: none, a gap in its line).
    const { caseId, importId } = await loadUsage(
      hoursOf(6, (h) => (h < 2 || h === 5 ? { account: "acct_a", hour: h, requests: 3, model: "gpt-4o" } : null)),
    );
    const series = await usageSeries({ caseId, importIds: [importId] }, f(), "model");
    const hour = (h: number) => new Date(T0 + h * 3_600_000).toISOString();
    expect(series.points).toEqual([
      { t: hour(0), "gpt-4o": 3, "gpt-4o tokens": expect.any(Number) },
      { t: hour(1), "gpt-4o": 3, "gpt-4o tokens": expect.any(Number) },
      { t: hour(2), "gpt-4o": 0, "gpt-4o tokens": 0 },
      { t: hour(3), "gpt-4o": 0, "gpt-4o tokens": 0 },
      { t: hour(4), "gpt-4o": 0, "gpt-4o tokens": 0 },
      { t: hour(5), "gpt-4o": 3, "gpt-4o tokens": expect.any(Number) },
    ]);
    expect(series.rateLimited[3]).toEqual({ t: hour(3), requests: 0, limited: 0, share: null });

    // A stray row three years on: months, every one of them in between.
    const strays = await loadUsage([
      { account: "acct_a", hour: 0, requests: 1 },
      { account: "acct_a", hour: 3 * 365 * 24, requests: 1 },
    ]);
    const years = await usageSeries({ caseId: strays.caseId, importIds: [strays.importId] }, f(), "model");
    expect(years.bucket).toBe("month");
    expect(years.points).toHaveLength(36); // November 2026 to October 2029
    expect(years.points.filter((p) => Object.values(p).some((v) => typeof v === "number" && v > 0))).toHaveLength(2);
  });

  it("lists the busiest accounts, keys, networks and models under the filters", async () => {
    const { caseId, visible } = await fixture();
    const scope = { caseId, importIds: visible };
    expect((await topUsage(scope, f(), "account")).map((r) => [r.value, r.requests, r.rateLimited])).toEqual([
      ["acct_a", 4_800, 0],
      ["acct_b", 480, 240],
      ["acct_c", 48, 0],
    ]);
    expect((await topUsage(scope, f(), "network")).map((r) => r.value)).toEqual([
      "203.0.113.0/24",
      "198.51.100.0/24",
      "2001:db8:1::/48",
    ]);
    expect((await topUsage(scope, f({ model: "o3-mini" }), "account")).map((r) => r.value)).toEqual(["acct_a"]);
    expect((await topUsage(scope, f({ endpoint: "/v1/embeddings" }), "account")).map((r) => r.value)).toEqual([
      "acct_b",
    ]);
    // A signal's group of accounts, named in the link: those, and nothing else.
    const group = { ...f(), accounts: ["acct_c", "acct_b"] };
    expect((await topUsage(scope, group, "account")).map((r) => r.value)).toEqual(["acct_b", "acct_c"]);
    expect((await usageSeries(scope, group, "account")).keys).toEqual(["acct_b", "acct_c"]);
    const window = f({
      from: new Date(T0 + 10 * 3_600_000).toISOString(),
      to: new Date(T0 + 12 * 3_600_000).toISOString(),
    });
    expect((await topUsage(scope, window, "account"))[0]).toMatchObject({ value: "acct_a", requests: 200 });
  });

  it("filters charts by a CIDR at /24 granularity, and says when an address is narrower than that", async () => {
    const { caseId, visible } = await fixture();
    const scope = { caseId, importIds: visible };
    const wide = await usageSeries(scope, f({ ip: "198.51.0.0/16" }), "account");
    expect([wide.keys, wide.approximate]).toEqual([["acct_b"], false]);
    const narrow = await usageSeries(scope, f({ ip: "203.0.113.7" }), "account");
    expect([narrow.keys, narrow.approximate]).toEqual([["acct_a"], true]);
    const v6 = await usageSeries(scope, f({ ip: "2001:db8:1::/48" }), "account");
    expect(v6.keys).toEqual(["acct_c"]);
  });

  it("pages raw rows in time order with exact address filters, without skipping or repeating", async () => {
    const { caseId, visible, hidden } = await fixture();
    const scope = { caseId, importIds: visible };
    const seen: string[] = [];
    let page = await usageRows(scope, f({ ip: "198.51.100.20" }));
    while (page.length) {
      seen.push(...page.map((r) => `${r.importId}:${r.seq}`));
      const last = page.at(-1)!;
      page = await usageRows(scope, f({ ip: "198.51.100.20" }), last);
    }
    expect(seen).toHaveLength(48);
    expect(new Set(seen).size).toBe(48);
    const all = await usageRows(scope, f());
    expect(all.every((r) => r.accountId !== "acct_hidden")).toBe(true);
    expect(await usageRows({ caseId, importIds: [hidden] }, f({ account: "acct_a" }))).toEqual([]);
    // Naming an account of an import out of scope in a group reaches none of its rows.
    const named = await usageRows(scope, { ...f(), accounts: ["acct_hidden", "acct_c"] });
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((r) => r.accountId === "acct_c")).toBe(true);
  });

  it("pages a quiet address behind a busy one in its /24 completely, in a few queries", async () => {
    // The hourly rollup counts the whole /24 (sixty rows an hour from .21), so its counts say
    // little about .20 (a row every ten hours).
    const HOUR = 3_600_000;
    const { caseId, importId } = await loadUsage(
      hoursOf(100, (h) => [
        ...Array.from({ length: 60 }, (_, k) => ({
          account: "acct_busy",
          hour: h,
          requests: 1,
          ip: "198.51.100.21",
          occurredAt: new Date(T0 + h * HOUR + k * 60_000),
        })),
        ...(h % 10 === 3 ? [{ account: "acct_quiet", hour: h, requests: 1, ip: "198.51.100.20" }] : []),
      ]),
    );
    const queries = vi.spyOn(getDb(), "$queryRaw");
    try {
      const page = await usageRows({ caseId, importIds: [importId] }, f({ ip: "198.51.100.20" }));
      expect(page.map((r) => r.occurredAt)).toEqual(
        Array.from({ length: 10 }, (_, i) => new Date(T0 + (i * 10 + 3) * HOUR).toISOString()),
      );
      expect(queries.mock.calls.length).toBeLessThan(12);
    } finally {
      queries.mockRestore();
    }
  });

  it("pages every row under each filter once, in order, across hours, imports and a cursor inside an hour", async () => {
    // Twenty-five rows an hour (pages end inside hours, a page's hours hold more rows than are
    // left after its cursor), and a sparse account in a second import whose rows fall on the
    // same instants as some of the first's.
    const HOUR = 3_600_000;
    const dense = await loadUsage(
      hoursOf(40, (h) =>
        Array.from({ length: 25 }, (_, k) => ({
          account: `acct_${k % 3}`,
          hour: h,
          requests: 1,
          occurredAt: new Date(T0 + h * HOUR + ((k * 2 + h) % 60) * 60_000),
        })),
      ),
    );
    const sparse = await loadUsage(
      hoursOf(8, (h) => ({ account: "acct_s", hour: h * 5, requests: 1, occurredAt: new Date(T0 + h * 5 * HOUR) })),
      dense.caseId,
    );
    const scope = { caseId: dense.caseId, importIds: [dense.importId, sparse.importId] };
    // Every page full but the last, which may be empty.
    const pages = async (filters: ReturnType<typeof f>) => {
      const seen: Awaited<ReturnType<typeof usageRows>> = [];
      for (let page = await usageRows(scope, filters); page.length;) {
        seen.push(...page);
        const next = await usageRows(scope, filters, page.at(-1)!);
        if (next.length) expect(page).toHaveLength(50);
        page = next;
      }
      return seen;
    };
    const key = (r: { occurredAt: string; importId: string; seq: number }) =>
      `${r.occurredAt}|${r.importId}|${String(r.seq).padStart(6, "0")}`;
    const inOrder = (rows: { occurredAt: string; importId: string; seq: number }[]) =>
      rows.every((r, i) => i === 0 || key(rows[i - 1]!) < key(r));

    const all = await pages(f());
    expect(all).toHaveLength(1_008);
    expect(inOrder(all)).toBe(true);
    const sparseRows = await pages(f({ account: "acct_s" }));
    expect(sparseRows.map((r) => r.occurredAt)).toEqual(
      Array.from({ length: 8 }, (_, h) => new Date(T0 + h * 5 * HOUR).toISOString()),
    );
    const from = new Date(T0 + 10 * HOUR + 30 * 60_000).toISOString();
    const to = new Date(T0 + 30 * HOUR + 15 * 60_000).toISOString();
    const window = await pages(f({ from, to }));
    expect(window).toEqual(all.filter((r) => r.occurredAt >= from && r.occurredAt < to));
    expect(window.length).toBeGreaterThan(50);
    expect(await pages(f({ account: "acct_1", from, to }))).toEqual(
      all.filter((r) => r.accountId === "acct_1" && r.occurredAt >= from && r.occurredAt < to),
    );
    // A signal's group, across both imports, from its period's start.
    expect(await pages({ ...f({ from }), accounts: ["acct_s", "acct_2"] })).toEqual(
      all.filter((r) => (r.accountId === "acct_s" || r.accountId === "acct_2") && r.occurredAt >= from),
    );
  });

  it("answers whole-day ranges from the daily rollup exactly as the hourly rollup answers them", async () => {
    // Three weeks, so the series is in day buckets; odd hours and counts so that every group,
    // first and last hour differ from day to day.
    const { caseId, importId } = await loadUsage(
      hoursOf(21 * 24, (h) => [
        { account: `acct_${h % 11}`, hour: h, requests: 1 + ((h * 7) % 13), model: h % 3 ? "gpt-4o" : "o3-mini" },
        ...(h % 11 === 0
          ? [{ account: "acct_x", hour: h, requests: 40, apiKeyId: `key_${h % 4}`, rateLimited: true }]
          : []),
      ]),
    );
    const scope = { caseId, importIds: [importId] };
    const day = (d: number) => new Date(T0 + d * 86_400_000).toISOString();
    const hour = (h: number) => new Date(T0 + h * 3_600_000).toISOString();
    // Each pair selects the same hours: the first as whole days (daily), the second not (hourly).
    const pairs: [Record<string, string>, Record<string, string>][] = [
      [{}, { from: hour(-1) }],
      [{ from: day(2) }, { from: day(2), to: hour(21 * 24 + 1) }],
      [
        { from: day(1), to: day(20), account: "acct_x" },
        { from: hour(24), to: hour(20 * 24), account: "acct_x" },
      ],
      [
        { model: "o3-mini", to: day(18) },
        { model: "o3-mini", to: hour(18 * 24), from: hour(-3) },
      ],
    ];
    for (const [daily, hourly] of pairs) {
      for (const by of ["model", "account"] as const) {
        const a = await usageSeries(scope, f(daily), by);
        expect(a.bucket).toBe("day");
        expect(a).toEqual(await usageSeries(scope, f(hourly), by));
      }
      for (const kind of ["account", "key", "network", "model"] as const)
        expect(await topUsage(scope, f(daily), kind)).toEqual(await topUsage(scope, f(hourly), kind));
    }
    // The whole-case series (per-model rollup; "Other" as the total less the top accounts)
    // against the general grouping, which an endpoint filter that every row passes forces.
    const ranges: Record<string, string>[] = [
      {},
      { from: hour(5), to: hour(300) },
      { model: "gpt-4o" },
      { to: day(10) },
    ];
    for (const range of ranges)
      for (const by of ["model", "account"] as const) {
        const fast = await usageSeries(scope, f(range), by);
        expect(fast).toEqual(await usageSeries(scope, f({ ...range, endpoint: "/v1/chat/completions" }), by));
        if (by === "account") expect(fast.keys).toContain("Other");
      }
    expect((await topUsage(scope, f(), "account")).find((r) => r.value === "acct_x")).toMatchObject({
      firstSeen: hour(0),
      lastSeen: hour(495 + 1), // the last hour h % 11 === 0 below 504, and its end
    });
  });

  it("samples a signal's first rows in its period from as few hours as hold them, a cut hour counted as empty", async () => {
    const at = (h: number, minute: number) => new Date(T0 + h * 3_600_000 + minute * 60_000);
    const row = (account: string, h: number, minute: number) => ({
      account,
      hour: h,
      requests: 1,
      occurredAt: at(h, minute),
    });
    // acct_s: two rows in hour 0 (one before the period starts at 0:30), one in hour 1, then two an
    // hour. acct_busy: nine rows in hour 0 alone, then more.
    const { caseId, importId } = await loadUsage([
      row("acct_s", 0, 10),
      row("acct_s", 0, 40),
      row("acct_s", 1, 20),
      ...hoursOf(8, (h) => [row("acct_s", h + 2, 5), row("acct_s", h + 2, 50)]),
      ...hoursOf(9, (m) => row("acct_busy", 0, 31 + m)),
      ...hoursOf(3, (h) => row("acct_busy", h + 1, 0)),
    ]);
    const scope = { caseId, importIds: [importId] };
    const times = async (accounts: string[], limit?: number) =>
      (await sampleRows(scope, accounts, at(0, 30), at(9, 0), limit)).map((r) => r.occurredAt);
    // Hour 0 is cut by the period: its row at 0:40 counts for nothing, so hours 1 to 3 are read
    // too (1 + 2 rows before hour 3), and the fifth row, at 3:05, is found.
    expect(await times(["acct_s"])).toEqual(
      [at(0, 40), at(1, 20), at(2, 5), at(2, 50), at(3, 5)].map((d) => d.toISOString()),
    );
    expect(await times(["acct_s"], 7)).toEqual(
      [at(0, 40), at(1, 20), at(2, 5), at(2, 50), at(3, 5), at(3, 50), at(4, 5)].map((d) => d.toISOString()),
    );
    expect(await times(["acct_busy"])).toEqual([31, 32, 33, 34, 35].map((m) => at(0, m).toISOString()));
    // Several accounts: the first rows of all of them together, in time order.
    expect(await times(["acct_s", "acct_busy"], 3)).toEqual(
      [at(0, 31), at(0, 32), at(0, 33)].map((d) => d.toISOString()),
    );
    // A busy hour that the period starts exactly on counts whole: its rows alone are read.
    expect((await sampleRows(scope, ["acct_busy"], at(1, 0), at(9, 0), 2)).map((r) => r.occurredAt)).toEqual([
      at(1, 0).toISOString(),
      at(2, 0).toISOString(),
    ]);
    expect(await times(["acct_none"])).toEqual([]);

    // A second import of the same case: its rows join the samples only when it is in scope, and
    // its hours add to the first import's (hour 2 then holds four rows of acct_s).
    const second = await loadUsage([row("acct_s", 2, 20), row("acct_s", 2, 30), row("acct_s", 0, 35)], caseId);
    expect(await times(["acct_s"])).toEqual(
      [at(0, 40), at(1, 20), at(2, 5), at(2, 50), at(3, 5)].map((d) => d.toISOString()),
    );
    const both = await sampleRows({ caseId, importIds: [importId, second.importId] }, ["acct_s"], at(0, 30), at(9, 0));
    expect(both.map((r) => [r.occurredAt, r.importId])).toEqual([
      [at(0, 35).toISOString(), second.importId],
      [at(0, 40).toISOString(), importId],
      [at(1, 20).toISOString(), importId],
      [at(2, 5).toISOString(), importId],
      [at(2, 20).toISOString(), second.importId],
    ]);
    expect(await sampleRows({ caseId, importIds: [second.importId] }, ["acct_s"], at(0, 30), at(9, 0))).toHaveLength(3);
  });

  it("drops malformed filters from a hand-edited link instead of failing", () => {
    expect(
      f({ ip: "not-an-ip", from: "yesterday", to: "-271821-04-20", account: "acct_\u0000x", model: "gpt-4o" }),
    ).toEqual({ model: "gpt-4o" });
  });
});
