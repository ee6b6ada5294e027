import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeSignals } from "@/lib/usage/signals";
import { DEFAULT_SIGNAL_SETTINGS } from "@/lib/usage/signals-schema";
import { hoursOf, loadUsage, type TSpec } from "@/tests/helpers/usage";

// Each rule on a synthetic case where it must fire and on one where it must not. Rows are
// hourly buckets (requests = the hour's count), loaded through the real COPY and rollup path.

/** Loads the rows as one import of a new case; answers the scope to compute signals over. */
async function scopeOf(specs: TSpec[]) {
  const { caseId, importId } = await loadUsage(specs);
  return { caseId, importIds: [importId] };
}

async function fired(rule: string, specs: TSpec[]) {
  const signals = await computeSignals(await scopeOf(specs), DEFAULT_SIGNAL_SETTINGS);
  return signals.filter((s) => s.rule.startsWith(`${rule}@`));
}

// A pseudo-random but repeatable series, so "independent" accounts really are.
const noise = (seed: number) => (h: number) => (((Math.sin(seed * 9301 + h * 49297) * 233280) % 1) + 1) % 1;

describe("usage signals", () => {
  it("volume spike: fires on an hour far above the account's own median, not on ordinary variation", async () => {
    const specs = hoursOf(24, (h) => [
      { account: "acct_spike", hour: h, requests: h === 20 ? 2_000 : 50 },
      { account: "acct_steady", hour: h, requests: h === 20 ? 120 : 50 },
    ]);
    const found = await fired("volume_spike", specs);
    expect(found.map((s) => s.subject)).toEqual(["acct_spike"]);
    expect(found[0]).toMatchObject({
      rule: "volume_spike@1",
      aggregates: { peakRequests: 2_000, medianHourlyRequests: 50, spikeHours: 1 },
    });
    expect(found[0]!.params).toEqual({ spikeFactor: 10, spikeMinRequests: 200 });
  });

  it("key rotation: fires on many short-lived keys one after another, not on two long-lived keys", async () => {
    const specs = hoursOf(60, (h) => [
      { account: "acct_rotates", hour: h, requests: 10, apiKeyId: `key_r${Math.floor(h / 10)}` },
      { account: "acct_two_keys", hour: h, requests: 10, apiKeyId: `key_t${h % 2}` },
    ]);
    const found = await fired("key_rotation", specs);
    expect(found.map((s) => s.subject)).toEqual(["acct_rotates"]);
    expect(found[0]!.aggregates).toMatchObject({ keys: 6, medianKeyHours: 9 });
  });

  it("limit evasion: accounts sharing a payment instrument exceed the limit together while each stays under it", async () => {
    const specs = hoursOf(10, (h) => [
      { account: "acct_e1", hour: h, requests: 600, paymentFingerprint: "pf_shared" },
      { account: "acct_e2", hour: h, requests: 600, paymentFingerprint: "pf_shared", deviceFingerprint: "dev_1" },
      { account: "acct_e3", hour: h, requests: 300, deviceFingerprint: "dev_1" },
    ]);
    const found = await fired("limit_evasion", specs);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      subject: "acct_e1, acct_e2, acct_e3",
      aggregates: { combinedPeak: 1_500, hoursOverLimit: 10 },
      params: { accountHourlyRequestLimit: 1_000 },
    });
  });

  it("limit evasion: a busy corporate NAT address shared by many unrelated accounts is not a tie", async () => {
    const specs = hoursOf(10, (h) =>
      Array.from({ length: 12 }, (_, i) => ({
        account: `acct_office_${i}`,
        hour: h,
        requests: 600,
        ip: "198.51.100.1",
        projectId: `proj_${i}`,
      })),
    );
    expect(await fired("limit_evasion", specs)).toEqual([]);
  });

  it("limit evasion: a tied group in which one account alone breaks the limit is plain overuse, not evasion", async () => {
    const specs = hoursOf(5, (h) => [
      { account: "acct_big", hour: h, requests: 1_500, paymentFingerprint: "pf_x" },
      { account: "acct_small", hour: h, requests: 10, paymentFingerprint: "pf_x" },
    ]);
    expect(await fired("limit_evasion", specs)).toEqual([]);
  });

  it("synchronised traffic: fires on accounts whose hourly series rise and fall together, not on independent ones", async () => {
    const shape = noise(1);
    const specs = hoursOf(48, (h) => [
      { account: "acct_sync_a", hour: h, requests: Math.round(100 + 900 * shape(h)) },
      { account: "acct_sync_b", hour: h, requests: Math.round(50 + 450 * shape(h)) },
      { account: "acct_alone", hour: h, requests: Math.round(100 + 900 * noise(7)(h)) },
    ]);
    const found = await fired("synchronised_traffic", specs);
    expect(found.map((s) => s.subject)).toEqual(["acct_sync_a, acct_sync_b"]);
  });

  it("synchronised traffic: flat, steady accounts do not correlate, however alike their rounding", async () => {
    // Identical but nearly constant series (Pearson 1.0 on a one-request wobble): not rising and falling.
    const specs = hoursOf(48, (h) => [
      { account: "acct_flat_a", hour: h, requests: 100 + (h % 3 === 0 ? 1 : 0) },
      { account: "acct_flat_b", hour: h, requests: 50 + (h % 3 === 0 ? 1 : 0) },
    ]);
    expect(await fired("synchronised_traffic", specs)).toEqual([]);
  });

  it("key retirement: fires on keys dropped each just under their quota, not on keys dropped anywhere else", async () => {
    const specs = hoursOf(60, (h) => [
      // Five keys of 10 hours × 850 = 8,500 requests each (quota 10,000), the sixth still in use.
      { account: "acct_quota", hour: h, requests: 850, apiKeyId: `key_q${Math.floor(h / 10)}` },
      // Retired at 2,000 and at 30,000 requests: rotation, maybe, but not timed to a quota.
      {
        account: "acct_other",
        hour: h,
        requests: h < 20 ? 100 : 1_000,
        apiKeyId: h < 20 ? "key_o0" : `key_o${Math.floor(h / 30) + 1}`,
      },
    ]);
    const found = await fired("key_retired_near_limit", specs);
    expect(found.map((s) => s.subject)).toEqual(["acct_quota"]);
    expect(found[0]).toMatchObject({
      rule: "key_retired_near_limit@1",
      params: { keyRequestLimit: 10_000, retireMinShare: 0.8, retireMinKeys: 3 },
      aggregates: { retiredKeys: 5, nearLimitKeys: 5 },
    });
    expect((found[0]!.aggregates.keys as { requests: number }[]).map((k) => k.requests)).toEqual(Array(5).fill(8_500));
  });

  it("round-robin keys: fires on keys taking turns hour by hour or request by request, and on tied accounts taking turns", async () => {
    const shape = noise(3);
    const specs = hoursOf(48, (h) => [
      { account: "acct_turns", hour: h, requests: 200, apiKeyId: `key_t${h % 4}` },
      ...[0, 1, 2].map((k) => ({ account: "acct_even", hour: h, requests: 70, apiKeyId: `key_e${k}` })),
      // Three accounts tied by a card, one per hour in turn, each with its own key.
      {
        account: `acct_ring_${h % 3}`,
        hour: h,
        requests: Math.round(100 + 50 * shape(h)),
        apiKeyId: `key_ring_${h % 3}`,
        paymentFingerprint: "pf_ring",
      },
    ]);
    const found = await fired("round_robin_keys", specs);
    expect(found.map((s) => s.subject).sort()).toEqual([
      "acct_even",
      "acct_ring_0, acct_ring_1, acct_ring_2",
      "acct_turns",
    ]);
    expect(found.find((s) => s.subject === "acct_turns")).toMatchObject({
      rule: "round_robin_keys@2",
      aggregates: { activeHours: 48, departure: 0 },
    });
  });

  it("round-robin keys: not keys used one after another, unevenly, or by unrelated accounts", async () => {
    const specs = hoursOf(48, (h) => [
      { account: "acct_rotates", hour: h, requests: 10, apiKeyId: `key_r${Math.floor(h / 10)}` },
      { account: "acct_prod_dev", hour: h, requests: 60, apiKeyId: "key_prod" },
      { account: "acct_prod_dev", hour: h, requests: 25, apiKeyId: "key_dev" },
      { account: "acct_prod_dev", hour: h, requests: 15, apiKeyId: "key_ci" },
      // Three unrelated accounts that happen to alternate: no tie, so no group.
      { account: `acct_shift_${h % 3}`, hour: h, requests: 100, apiKeyId: `key_shift_${h % 3}` },
    ]);
    expect(await fired("round_robin_keys", specs)).toEqual([]);
  });

  it("fast model switching: fires when an account moves most traffic to a model new in the case, not when it samples it", async () => {
    const specs = hoursOf(24 * 10, (h) => {
      const newModelOut = h >= 24 * 5;
      return [
        { account: "acct_switch", hour: h, requests: 20, model: newModelOut && h % 10 ? "o3-mini" : "gpt-4o" },
        { account: "acct_stays", hour: h, requests: 20, model: newModelOut && h % 10 === 0 ? "o3-mini" : "gpt-4o" },
      ];
    });
    const found = await fired("fast_model_switching", specs);
    expect(found.map((s) => [s.subject, s.aggregates.model])).toEqual([["acct_switch", "o3-mini"]]);
  });

  it("extraction-shaped: fires on steady, high-volume traffic with a high output-to-input ratio only", async () => {
    const specs = hoursOf(48, (h) => [
      { account: "acct_extract", hour: h, requests: 100, inputTokens: 100 * 100, outputTokens: 100 * 2_000 },
      { account: "acct_chatty", hour: h, requests: 100, inputTokens: 100 * 800, outputTokens: 100 * 800 },
      { account: "acct_bursty", hour: h, requests: h === 3 ? 4_000 : 2, inputTokens: 100, outputTokens: 100 * 2_000 },
    ]);
    const found = await fired("extraction_shaped", specs);
    expect(found.map((s) => s.subject)).toEqual(["acct_extract"]);
    expect(found[0]!.aggregates).toMatchObject({ requests: 4_800, activeHours: 48 });
  });

  it("counts only the imports in scope: an import left out contributes nothing", async () => {
    const scope = await scopeOf(
      hoursOf(24, (h) => ({ account: "acct_spike", hour: h, requests: h === 20 ? 2_000 : 50 })),
    );
    expect(await computeSignals({ ...scope, importIds: [] }, DEFAULT_SIGNAL_SETTINGS)).toEqual([]);
    expect(await computeSignals({ ...scope, importIds: [randomUUID()] }, DEFAULT_SIGNAL_SETTINGS)).toEqual([]);
  });
});
