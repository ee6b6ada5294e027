import { describe, expect, it } from "vitest";
import { defaultMapping, usageFieldName } from "@/lib/usage/schemas";

describe("a preset's first guess of the columns", () => {
  it("knows the short names real logs use", () => {
    const columns = "timestamp,acct,key,ip,ua,model_name,path,in_tok,out_tok,status,throttled".split(",");
    expect(defaultMapping("gateway", columns)).toMatchObject({
      occurredAt: "timestamp",
      accountId: "acct",
      apiKeyId: "key",
      ip: "ip",
      userAgent: "ua",
      model: "model_name",
      endpoint: "path",
      inputTokens: "in_tok",
      outputTokens: "out_tok",
      statusCode: "status",
      rateLimited: "throttled",
      paymentFingerprint: "",
    });
  });

  it("sets case, spaces and separators aside, and keeps the file's own spelling", () => {
    const mapping = defaultMapping("gateway", ["Time", "Account ID", "API-Key-Id", "Client IP", "Input Tokens"]);
    expect(mapping).toMatchObject({
      occurredAt: "Time",
      accountId: "Account ID",
      apiKeyId: "API-Key-Id",
      ip: "Client IP",
      inputTokens: "Input Tokens",
    });
    expect(defaultMapping("azure_diagnostics", ["TimeGenerated [UTC]", "CallerIPAddress"])).toMatchObject({
      occurredAt: "TimeGenerated [UTC]",
      ip: "CallerIPAddress",
    });
  });

  it("names fields in refusals as the form labels them, without the hints", () => {
    expect(["occurredAt", "requests", "rateLimited", "apiKeyId"].map((f) => usageFieldName(f as never))).toEqual([
      "Time",
      "Request count",
      "Rate-limited flag",
      "API key id",
    ]);
  });
});
