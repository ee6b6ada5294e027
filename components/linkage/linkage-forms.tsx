"use client";

import { Button } from "@/components/ui/button";
import { FILE_INPUT, Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { HIGH_CONFIDENCE_MIN, LOW_CONFIDENCE_MAX } from "@/lib/linkage/confidence";
import { ENTITY_KINDS, LINK_KINDS } from "@/lib/linkage/graph-types";
import { LINKAGE_SETTING_LABELS } from "@/lib/linkage/settings";
import { ENTITY_KIND_LABELS, LINK_KIND_LABELS } from "@/components/linkage/labels";
import { utcLabel } from "@/lib/utc";

const VISIBILITY_OPTIONS = (
  <>
    <option value="ALL_CASE_ORGS">Every organisation on the case</option>
    <option value="OWNER_ORG_ONLY">My organisation only</option>
  </>
);

/** Accept every proposal at or above a confidence (optionally of one rule). */
export function AcceptAboveForm({ action, rules }: { action: TFormAction; rules: { rule: string; label: string }[] }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      aria-label="Accept proposals in bulk"
      className="flex flex-wrap items-end gap-3"
    >
      <Field name="minConfidence" label="Accept all at or above" state={state}>
        {(p) => (
          <input
            {...p}
            type="number"
            min={0}
            max={100}
            defaultValue={refused?.minConfidence ?? "70"}
            className={`${p.className} w-28`}
          />
        )}
      </Field>
      <Field name="rule" label="Of rule" state={state}>
        {(p) => (
          <select {...p} defaultValue={refused?.rule ?? ""}>
            <option value="">Any rule</option>
            {rules.map((r) => (
              <option key={r.rule} value={r.rule}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SubmitButton pending={pending} pendingText="Accepting…" variant="secondary">
        Accept all
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** A choice of entity kind, in the words the pages use. */
function EntityKindSelect(props: React.ComponentProps<"select">) {
  return (
    <select {...props}>
      {ENTITY_KINDS.map((k) => (
        <option key={k} value={k}>
          {ENTITY_KIND_LABELS[k]}
        </option>
      ))}
    </select>
  );
}

export function EntityForm({ action }: { action: TFormAction }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Add an entity" className="grid gap-3 sm:grid-cols-2">
      <Field name="kind" label="Kind" state={state}>
        {(p) => <EntityKindSelect {...p} defaultValue={refused?.kind ?? "ACCOUNT"} />}
      </Field>
      <Field
        name="value"
        label="Value"
        state={state}
        hint="An API key secret is never stored: only its prefix, last four and a keyed hash."
      >
        {(p) => <input {...p} defaultValue={refused?.value ?? ""} required maxLength={512} />}
      </Field>
      <Field name="label" label="Label (optional)" state={state}>
        {(p) => <input {...p} defaultValue={refused?.label ?? ""} maxLength={200} />}
      </Field>
      <Field name="visibility" label="Seen by" state={state}>
        {(p) => (
          <select {...p} defaultValue={refused?.visibility ?? "ALL_CASE_ORGS"}>
            {VISIBILITY_OPTIONS}
          </select>
        )}
      </Field>
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitButton pending={pending} pendingText="Adding…">
          Add entity
        </SubmitButton>
        <FormMessage state={state} />
      </div>
    </form>
  );
}

export function EntityCsvForm({ action }: { action: TFormAction }) {
  const { state, pending, formRef, onSubmit } = useActionForm(action, { resetOnSuccess: true });
  const errors = state.fieldErrors?.file;
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Add entities from CSV" className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="entity-csv" className="block text-sm font-medium text-slate-700">
            CSV file (columns kind, value, optional label)
          </label>
          <input
            id="entity-csv"
            name="file"
            type="file"
            accept=".csv,text/csv"
            required
            className={FILE_INPUT}
            aria-invalid={Boolean(errors)}
          />
        </div>
        <Field name="visibility" label="Seen by" state={state}>
          {(p) => (
            <select {...p} defaultValue="ALL_CASE_ORGS">
              {VISIBILITY_OPTIONS}
            </select>
          )}
        </Field>
      </div>
      {errors && (
        <ul className="list-disc space-y-0.5 pl-5 text-sm text-red-700" aria-label="Rows to fix">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <div className="flex items-center gap-3">
        <SubmitButton pending={pending} pendingText="Checking every row…" variant="secondary">
          Add from CSV
        </SubmitButton>
        <FormMessage state={state} />
      </div>
    </form>
  );
}

export function LinkForm({
  action,
  fromId,
  fromKind,
  evidence,
}: {
  action: TFormAction;
  fromId: string;
  fromKind: string;
  evidence: { id: string; title: string }[];
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Add a link" className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="fromId" value={fromId} />
      <Field name="toKind" label="To: the other entity's kind" state={state}>
        {(p) => <EntityKindSelect {...p} defaultValue={refused?.toKind ?? fromKind} />}
      </Field>
      <Field
        name="toId"
        label="Its value (or its id)"
        hint="As the logs write it: acct_A2, 203.0.113.7, pf_clusterA."
        state={state}
      >
        {(p) => <input {...p} defaultValue={refused?.toId ?? ""} required />}
      </Field>
      <Field name="kind" label="Kind of link" state={state}>
        {(p) => (
          <select {...p} defaultValue={refused?.kind ?? "SAME_OWNER"}>
            {LINK_KINDS.map((k) => (
              <option key={k} value={k}>
                {LINK_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        name="confidence"
        label="Confidence (0–100)"
        state={state}
        hint={`Low up to ${LOW_CONFIDENCE_MAX}, medium ${LOW_CONFIDENCE_MAX + 1}–${HIGH_CONFIDENCE_MIN - 1}, high from ${HIGH_CONFIDENCE_MIN} (STIX).`}
      >
        {(p) => <input {...p} type="number" min={0} max={100} defaultValue={refused?.confidence ?? "50"} required />}
      </Field>
      <Field name="visibility" label="Seen by" state={state}>
        {(p) => (
          <select {...p} defaultValue={refused?.visibility ?? "ALL_CASE_ORGS"}>
            {VISIBILITY_OPTIONS}
          </select>
        )}
      </Field>
      <div className="sm:col-span-2">
        <Field name="rationale" label="Why do we believe this?" state={state}>
          {(p) => <textarea {...p} rows={2} defaultValue={refused?.rationale ?? ""} required maxLength={2000} />}
        </Field>
      </div>
      {evidence.length > 0 && (
        <fieldset className="sm:col-span-2">
          <legend className="text-sm font-medium text-slate-700">Evidence behind it</legend>
          <div className="mt-1 grid max-h-40 gap-1 overflow-y-auto text-sm sm:grid-cols-2">
            {evidence.map((e) => (
              <label key={e.id} className="flex items-center gap-2">
                <input type="checkbox" name="evidenceIds" value={e.id} /> {e.title}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitButton pending={pending} pendingText="Adding…">
          Add link
        </SubmitButton>
        <FormMessage state={state} />
      </div>
    </form>
  );
}

export function ReviseLinkForm({
  action,
  version,
  confidence,
}: {
  action: TFormAction;
  version: number;
  confidence: number;
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Revise this link" className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="version" value={version} />
      <Field name="confidence" label="New confidence (0–100)" state={state}>
        {(p) => (
          <input
            {...p}
            type="number"
            min={0}
            max={100}
            defaultValue={refused?.confidence ?? String(confidence)}
            required
          />
        )}
      </Field>
      <label className="flex items-center gap-2 self-end pb-2 text-sm">
        <input type="checkbox" name="retract" /> Retract the link
      </label>
      <div className="sm:col-span-2">
        <Field name="rationale" label="Why it changes" state={state}>
          {(p) => <textarea {...p} rows={2} defaultValue={refused?.rationale ?? ""} required maxLength={2000} />}
        </Field>
      </div>
      <div className="flex items-center gap-3 sm:col-span-2">
        <SubmitButton pending={pending} pendingText="Saving a new version…" variant="secondary">
          Save as version {version + 1}
        </SubmitButton>
        <FormMessage state={state} />
      </div>
    </form>
  );
}

export function MergeForm({ action, kind }: { action: TFormAction; kind: string }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      aria-label="Merge into another entity"
      className="flex flex-wrap items-end gap-3"
    >
      <Field
        name="target"
        label={`Merge into (another ${kind.toLowerCase().replace("_", " ")}: its value or id)`}
        state={state}
      >
        {(p) => <input {...p} defaultValue={refused?.target ?? ""} required className={`${p.className} w-80`} />}
      </Field>
      <SubmitButton pending={pending} pendingText="Merging…" variant="secondary">
        Merge
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function ClusterNameForm({ action, name }: { action: TFormAction; name: string | null }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Name this cluster" className="flex flex-wrap items-end gap-3">
      <Field name="name" label="Name" state={state}>
        {(p) => (
          <input
            {...p}
            defaultValue={refused?.name ?? name ?? ""}
            placeholder="Subject cluster A"
            required
            maxLength={120}
          />
        )}
      </Field>
      <SubmitButton pending={pending} pendingText="Saving…" variant="secondary">
        Save name
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function LinkageSettingsForm({
  action,
  settings,
}: {
  action: TFormAction;
  settings: Record<string, number | string[]>;
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Linkage settings" className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {Object.entries(settings).map(([name, value]) =>
          Array.isArray(value) ? (
            <div key={name} className="sm:col-span-2 lg:col-span-3">
              <Field
                name={name}
                label={LINKAGE_SETTING_LABELS[name as keyof typeof LINKAGE_SETTING_LABELS]}
                state={state}
              >
                {(p) => (
                  <textarea
                    {...p}
                    rows={3}
                    defaultValue={refused?.[name] ?? value.join("\n")}
                    placeholder="100.64.0.0/10"
                  />
                )}
              </Field>
            </div>
          ) : (
            <Field
              key={name}
              name={name}
              label={LINKAGE_SETTING_LABELS[name as keyof typeof LINKAGE_SETTING_LABELS]}
              state={state}
            >
              {(p) => <input {...p} type="number" step="any" defaultValue={refused?.[name] ?? String(value)} />}
            </Field>
          ),
        )}
      </div>
      <FormMessage state={state} success="Settings saved; the rules ran again." />
      <SubmitButton pending={pending} pendingText="Saving and running the rules…">
        Save settings
      </SubmitButton>
    </form>
  );
}

/** Find how two entities are linked: the page answers with the path (query parameters). */
export function PathForm({ from, to }: { from: string; to: string }) {
  return (
    <form method="get" aria-label="Find a path" className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="path-from" className="block text-sm font-medium text-slate-700">
          From
        </label>
        <input
          id="path-from"
          name="from"
          defaultValue={from}
          placeholder="acct_17"
          required
          className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
      </div>
      <div>
        <label htmlFor="path-to" className="block text-sm font-medium text-slate-700">
          To
        </label>
        <input
          id="path-to"
          name="to"
          defaultValue={to}
          placeholder="acct_942"
          required
          className="mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
      </div>
      <Button type="submit">Find path</Button>
    </form>
  );
}

export function LinkEventForm({
  action,
  events,
}: {
  action: TFormAction;
  events: { id: string; title: string; occurredAt: Date }[];
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  if (!events.length) return null;
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      aria-label="Link a timeline event"
      className="mt-4 flex flex-wrap items-end gap-3"
    >
      <Field name="eventId" label="Link a timeline event" state={state}>
        {(p) => (
          <select {...p} defaultValue={refused?.eventId ?? ""} required className={`${p.className} max-w-md`}>
            <option value="" disabled>
              Choose an event…
            </option>
            {events.map((e) => (
              <option key={e.id} value={e.id}>
                {utcLabel(e.occurredAt)} · {e.title.slice(0, 80)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SubmitButton pending={pending} pendingText="Linking…" variant="secondary">
        Link event
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
