import { z } from "zod";
import { TIME_FORMATS } from "@/lib/ingest/time";

// API usage logs: the fields a usage row has, the presets that map real tools' exports onto
// them, and the import options. Shared with the mapping form (no server-only import); the
// server's parse is the one that counts.

export const USAGE_FIELDS = [
  "occurredAt",
  "bucketEnd",
  "accountId",
  "projectId",
  "apiKeyId",
  "ip",
  "userAgent",
  "model",
  "endpoint",
  "inputTokens",
  "outputTokens",
  "cachedTokens",
  "requests",
  "statusCode",
  "rateLimited",
  "paymentFingerprint",
  "deviceFingerprint",
] as const;
export type TUsageField = (typeof USAGE_FIELDS)[number];

export const USAGE_FIELD_LABELS: Record<TUsageField, string> = {
  occurredAt: "Time, or bucket start (required)",
  bucketEnd: "Bucket end",
  accountId: "Account id",
  projectId: "Organisation or project id",
  apiKeyId: "API key id",
  ip: "Client IP",
  userAgent: "User agent",
  model: "Model",
  endpoint: "Endpoint or operation",
  inputTokens: "Input tokens",
  outputTokens: "Output tokens",
  cachedTokens: "Cached input tokens",
  requests: "Request count (1 when absent)",
  statusCode: "HTTP status",
  rateLimited: "Rate-limited flag (status 429 when absent)",
  paymentFingerprint: "Payment-instrument fingerprint",
  deviceFingerprint: "Device fingerprint",
};

/** A field as a refused row's reason names it: its label without the hint in brackets ("Time" for the time). */
export const usageFieldName = (field: TUsageField) =>
  field === "occurredAt" ? "Time" : USAGE_FIELD_LABELS[field].replace(/ \(.*\)$/, "");

export const USAGE_PRESETS = ["gateway", "openai_usage", "azure_diagnostics"] as const;
export type TUsagePreset = (typeof USAGE_PRESETS)[number];

export type TPresetInfo = {
  label: string;
  /** How the file is read: CSV/JSON Lines by record, or JSON pages of time buckets. */
  reader: "records" | "openai_pages";
  /** Each field's default column: the first of these names the file has (case, spaces and separators aside). */
  columns: Partial<Record<TUsageField, readonly string[]>>;
};

export const USAGE_PRESET_INFO: Record<TUsagePreset, TPresetInfo> = {
  gateway: {
    label: "Gateway request log (one row per request; CSV or JSON Lines)",
    reader: "records",
    columns: {
      occurredAt: ["time", "timestamp", "ts", "request_time", "@timestamp", "created_at", "event_time", "datetime"],
      accountId: ["account_id", "account", "acct", "acct_id", "customer_id", "user_id"],
      projectId: ["org_id", "organization_id", "organisation_id", "project_id"],
      apiKeyId: ["api_key_id", "key_id", "api_key", "key"],
      ip: ["client_ip", "ip", "ip_address", "remote_addr", "remote_ip", "source_ip"],
      userAgent: ["user_agent", "ua"],
      model: ["model", "model_name", "model_id"],
      endpoint: ["endpoint", "path", "route"],
      inputTokens: ["input_tokens", "prompt_tokens", "in_tok", "tokens_in"],
      outputTokens: ["output_tokens", "completion_tokens", "out_tok", "tokens_out"],
      cachedTokens: ["cached_tokens", "input_cached_tokens"],
      requests: ["requests", "request_count"],
      statusCode: ["status_code", "status", "http_status"],
      rateLimited: ["rate_limited", "throttled", "is_rate_limited"],
      paymentFingerprint: ["payment_fingerprint", "payment_instrument", "card_fingerprint"],
      deviceFingerprint: ["device_fingerprint", "device_id"],
    },
  },
  openai_usage: {
    label: "OpenAI organisation usage export (JSON pages of time buckets)",
    reader: "openai_pages",
    columns: {
      occurredAt: ["start_time"],
      bucketEnd: ["end_time"],
      accountId: ["user_id"],
      projectId: ["project_id"],
      apiKeyId: ["api_key_id"],
      model: ["model"],
      inputTokens: ["input_tokens"],
      outputTokens: ["output_tokens"],
      cachedTokens: ["input_cached_tokens"],
      requests: ["num_model_requests"],
    },
  },
  azure_diagnostics: {
    label: "Azure Monitor resource logs for Azure OpenAI (AzureDiagnostics exported as CSV)",
    reader: "records",
    columns: {
      occurredAt: ["TimeGenerated [UTC]", "TimeGenerated"],
      accountId: ["properties.objectId", "Caller"],
      projectId: ["ResourceId", "_ResourceId"],
      ip: ["CallerIPAddress"],
      model: ["properties.modelDeploymentName", "properties.modelName"],
      endpoint: ["OperationName"],
      statusCode: ["ResultSignature"],
      inputTokens: ["properties.promptTokens", "properties.inputTokens"],
      outputTokens: ["properties.completionTokens", "properties.outputTokens"],
    },
  },
};

/** Each field's column in the file, or "" for none. */
export const ZUsageMapping = z.object(
  Object.fromEntries(USAGE_FIELDS.map((f) => [f, z.string().max(200).default("")])) as Record<
    TUsageField,
    z.ZodDefault<z.ZodString>
  >,
);
export type TUsageMapping = z.infer<typeof ZUsageMapping>;

/** The widest bucket a row may cover (a bucket end further on is refused): 31 days. */
export const BUCKET_SECONDS_MAX = 31 * 86_400;

export const ZUsageOptions = z.object({
  preset: z.enum(USAGE_PRESETS, { message: "Choose a preset." }),
  mapping: ZUsageMapping.refine((m) => m.occurredAt !== "", {
    message: "Map a column to the time.",
    path: ["occurredAt"],
  }),
  timeFormat: z.enum(TIME_FORMATS).default("auto"),
  /** The width of each row's bucket when the file has no bucket end: 0 for one request. */
  bucketSeconds: z.coerce.number().int().min(0).max(BUCKET_SECONDS_MAX).default(0),
});
export type TUsageOptions = z.infer<typeof ZUsageOptions>;

/** A column name as the presets match it: case, spaces and separators aside (`Account ID` is `account_id`). */
const comparable = (column: string) => column.toLowerCase().replace(/[\s_.\-[\]]/g, "");

/** The preset's default mapping for a file with these columns. */
export function defaultMapping(preset: TUsagePreset, columns: readonly string[]): TUsageMapping {
  const byName = new Map<string, string>();
  for (const c of columns) if (!byName.has(comparable(c))) byName.set(comparable(c), c);
  const wanted = USAGE_PRESET_INFO[preset].columns;
  return Object.fromEntries(
    USAGE_FIELDS.map((field) => [
      field,
      (wanted[field] ?? []).map((c) => byName.get(comparable(c))).find(Boolean) ?? "",
    ]),
  ) as TUsageMapping;
}

export const ZStartUsageImport = z.object({
  evidenceId: z.string().uuid("Choose an evidence item."),
  preset: z.enum(USAGE_PRESETS, { message: "Choose a preset." }),
});

/** An import's state as the Usage tab and the import's page both say it (COMMITTED is "loaded"). */
export function usageImportStatusLabel(status: string): string {
  return status === "COMMITTED" ? "loaded" : status.toLowerCase();
}
