"use client";

import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { CASE_CATEGORY_COLOUR_NAMES } from "@/lib/timeline/category-schemas";
import type { TCaseCategoryView } from "@/lib/timeline/categories";

type TActions = { create: TFormAction; update: TFormAction; remove: TFormAction };

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

function ColourSelect({
  value,
  props,
}: {
  value: string;
  props: Parameters<Parameters<typeof Field>[0]["children"]>[0];
}) {
  return (
    <select {...props} defaultValue={value}>
      <option value="">Automatic (from the name)</option>
      {CASE_CATEGORY_COLOUR_NAMES.map((c) => (
        <option key={c} value={c}>
          {capital(c)}
        </option>
      ))}
    </select>
  );
}

/**
 * The case's own event categories with their colours and event counts. Leads of an organisation
 * add, rename, recolour and delete its categories; a partner's categories are shown, not managed.
 */
export function CaseCategories({
  categories,
  canManage,
  actions,
}: {
  categories: TCaseCategoryView[];
  canManage: boolean;
  actions: TActions;
}) {
  const own = categories.filter((c) => c.id !== null);
  return (
    <div className="space-y-3 text-sm">
      {categories.length === 0 ? (
        <p className="text-slate-600">
          No case categories yet. {canManage ? "Add one below, or" : "They come from"} an import that keeps a
          file&apos;s own categories.
        </p>
      ) : (
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Case categories</caption>
          <thead>
            <tr>
              <th className="border-b px-2 py-1">Category</th>
              <th className="border-b px-2 py-1">Events you can see</th>
              {canManage && <th className="border-b px-2 py-1">Change</th>}
            </tr>
          </thead>
          <tbody>
            {categories.map((c) => (
              <tr key={`${c.id ?? "partner"}-${c.name}`} className="align-top">
                <td className="border-b px-2 py-1">
                  <span
                    aria-hidden="true"
                    className="mr-2 inline-block h-3 w-3 rounded-sm align-middle"
                    style={{ backgroundColor: c.colour }}
                  />
                  {c.name}
                  {c.id === null && <span className="ml-1 text-xs text-slate-500">(partner&apos;s)</span>}
                </td>
                <td className="border-b px-2 py-1 font-mono">{c.events.toLocaleString("en")}</td>
                {canManage && (
                  <td className="border-b px-2 py-1">
                    {c.id !== null && (
                      <details>
                        <summary className="text-brand-700 cursor-pointer underline">Edit “{c.name}”</summary>
                        <div className="mt-2 space-y-3">
                          <EditCategory category={c} action={actions.update} />
                          <DeleteCategory
                            category={c}
                            others={own.filter((o) => o.id !== c.id)}
                            action={actions.remove}
                          />
                        </div>
                      </details>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && <AddCategory action={actions.create} />}
    </div>
  );
}

function AddCategory({ action }: { action: TFormAction }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action, { resetOnSuccess: true });
  return (
    <form ref={formRef} onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" aria-label="Add a case category">
      <Field name="name" label="New category" state={state}>
        {(props) => <input {...props} defaultValue={refused?.name ?? ""} maxLength={100} />}
      </Field>
      <Field name="colour" label="Colour" state={state}>
        {(props) => <ColourSelect value={refused?.colour ?? ""} props={props} />}
      </Field>
      <SubmitButton pending={pending} pendingText="Adding…">
        Add category
      </SubmitButton>
      <FormMessage state={state} success="Category added." />
    </form>
  );
}

function EditCategory({ category, action }: { category: TCaseCategoryView; action: TFormAction }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2" aria-label={`Rename or recolour “${category.name}”`}>
      <input type="hidden" name="categoryId" value={category.id!} />
      <input type="hidden" name="version" value={category.version!} />
      <Field name="name" label="Name" state={state} hint="Your organisation's events in it are renamed too.">
        {(props) => <input {...props} defaultValue={refused?.name ?? category.name} maxLength={100} />}
      </Field>
      <Field name="colour" label="Colour" state={state}>
        {(props) => <ColourSelect value={refused?.colour ?? category.colourKey ?? ""} props={props} />}
      </Field>
      <SubmitButton pending={pending}>Save</SubmitButton>
      <FormMessage state={state} success={state.message} />
    </form>
  );
}

function DeleteCategory({
  category,
  others,
  action,
}: {
  category: TCaseCategoryView;
  others: TCaseCategoryView[];
  action: TFormAction;
}) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2" aria-label={`Delete “${category.name}”`}>
      <input type="hidden" name="categoryId" value={category.id!} />
      <input type="hidden" name="version" value={category.version!} />
      <Field
        name="moveTo"
        label="Its events then"
        state={state}
        hint="No event is deleted. Left in their built-in category, they keep the old name as an attribute."
      >
        {(props) => (
          <select {...props} defaultValue="">
            <option value="">Keep their built-in category</option>
            {others.map((o) => (
              <option key={o.id} value={o.id!}>
                Move to “{o.name}”
              </option>
            ))}
          </select>
        )}
      </Field>
      <SubmitButton pending={pending} variant="danger" pendingText="Deleting…">
        Delete category
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
