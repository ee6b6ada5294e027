// Issue 9, defect 1, through the UI: OpenAI's admin (the partner on the demo case, which
// Microsoft owns) tries the cross-organisation takeover — create a user in Microsoft, move or
// reset one, find Microsoft's private and RED cases, make someone Lead of Microsoft's case,
// remove the real lead — and fails at every step, forged form fields included. What an admin
// may do for their own people still works.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, signInAs } from "./helpers";

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email);
  return page;
}

/** Opens a case as its lead (Microsoft's investigator); returns its id. */
async function openCase(lead: Page, title: string, tlp: string): Promise<string> {
  await lead.goto("/cases/new");
  await lead.getByLabel("Title").fill(title);
  await lead.getByLabel("TLP").selectOption(tlp);
  await lead.getByRole("button", { name: "Open case" }).click();
  await expect(lead.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  return lead.url().split("/cases/")[1]!.split("/")[0]!;
}

/** Adds a hidden field to the form holding `inside`, as a user editing the page would. */
async function forgeField(page: Page, inside: string, name: string, value: string) {
  await page.locator(inside).evaluate(
    (el, [n, v]) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = n!;
      input.value = v!;
      el.closest("form")!.append(input);
    },
    [name, value],
  );
}

test("the partner's admin cannot take over the owner's cases, however they try", async ({ browser }) => {
  test.setTimeout(120_000); // three people, a dozen pages
  const stamp = Date.now();
  const privateTitle = `Microsoft private ${stamp}`;
  const redTitle = `Microsoft RED ${stamp}`;

  // Microsoft's lead opens a private case and a TLP:RED case shared with OpenAI.
  const msLead = await as(browser, "investigator@microsoft.demo");
  const privateId = await openCase(msLead, privateTitle, "AMBER");
  const redId = await openCase(msLead, redTitle, "RED");
  await msLead.getByLabel("Share with organisation").selectOption({ label: "OpenAI" });
  await msLead.getByRole("button", { name: "Share", exact: true }).click();
  await expect(msLead.getByText("Shared. You can now add its people as members.")).toBeVisible();

  // Microsoft's admin sees its own people (and its RED case, to recover it).
  const msAdmin = await as(browser, "admin@microsoft.demo");
  await expect(msAdmin.getByText(redTitle)).toBeVisible();
  await msAdmin.goto("/admin/users");
  await msAdmin.getByRole("link", { name: "Microsoft Investigator" }).click();
  await expect(msAdmin.getByRole("heading", { name: "Microsoft Investigator", level: 1 })).toBeVisible();
  const msLeadUserId = msAdmin.url().split("/admin/users/")[1]!;

  const admin = await as(browser, "admin@openai.demo");

  // 1. The case list: Microsoft's private and RED cases are not there at all; the shared demo
  //    case is, with a way to its members but not its contents.
  await expect(admin.getByText(DEMO_CASE_TITLE)).toBeVisible();
  await expect(admin.getByText(privateTitle)).toHaveCount(0);
  await expect(admin.getByText(redTitle)).toHaveCount(0);
  await expect(admin.getByRole("link", { name: DEMO_CASE_TITLE })).toHaveCount(0);
  const microsoftOrgId = await admin
    .locator("select[name=orgId] option", { hasText: "Microsoft" })
    .getAttribute("value");
  expect(microsoftOrgId).toBeTruthy();
  for (const id of [privateId, redId]) {
    expect((await admin.goto(`/cases/${id}/members`))?.status()).toBe(404);
    expect((await admin.goto(`/cases/${id}`))?.status()).toBe(404);
  }

  // 2. Users: only OpenAI's; Microsoft's lead does not exist here.
  await admin.goto("/admin/users");
  await expect(admin.getByRole("link", { name: "OpenAI Executive" })).toBeVisible();
  await expect(admin.getByText("Microsoft Investigator")).toHaveCount(0);
  await expect(admin.getByText("@microsoft.demo")).toHaveCount(0);
  expect((await admin.goto(`/admin/users/${msLeadUserId}`))?.status()).toBe(404);

  // 3. A new user cannot be put in Microsoft: there is no choice, and a forged field is refused.
  await admin.goto("/admin/users/new");
  await expect(admin.getByLabel("Organisation")).toHaveCount(0);
  await expect(admin.getByText("Organisation: OpenAI")).toBeVisible();
  const plantEmail = `plant-${stamp}@microsoft.demo`;
  await admin.getByLabel("Email").fill(plantEmail);
  await admin.getByLabel("Full name").fill("Planted Lead");
  await admin.getByLabel("Global role").selectOption("INVESTIGATOR");
  await admin.getByLabel("Initial password", { exact: true }).fill("a-planted-password-2026");
  await admin.getByLabel("Confirm password").fill("a-planted-password-2026");
  await forgeField(admin, "input[name=email]", "orgId", microsoftOrgId!);
  await admin.getByRole("button", { name: "Create user" }).click();
  await expect(admin.locator("form").getByRole("alert")).toHaveText("Not found.");
  await expect(admin).toHaveURL(/\/admin\/users\/new$/);
  await msAdmin.goto(`/admin/users?q=${encodeURIComponent(plantEmail)}`);
  await expect(msAdmin.getByText("No users match these filters")).toBeVisible();

  // 4. An OpenAI user cannot be moved into Microsoft either (no field; a forged one is refused).
  await admin.goto("/admin/users");
  await admin.getByRole("link", { name: "OpenAI Legal reviewer" }).click();
  await expect(admin.getByRole("heading", { name: "OpenAI Legal reviewer", level: 1 })).toBeVisible();
  await expect(admin.getByLabel("Organisation")).toHaveCount(0);
  await forgeField(admin, "select[name=role]", "orgId", microsoftOrgId!);
  await admin.getByRole("button", { name: "Save changes" }).click();
  await expect(admin.getByRole("alert").filter({ hasText: "Not found." })).toBeVisible();
  await admin.reload();
  await expect(admin.getByRole("main").getByText("OpenAI", { exact: true })).toBeVisible();

  // 5. The shared demo case's members: Microsoft's people are shown, not offered, and have no controls.
  await admin.goto("/cases");
  // (Other journeys may have shared more cases with OpenAI: pick the demo case's row.)
  await admin
    .getByRole("row")
    .filter({ hasText: DEMO_CASE_TITLE })
    .getByRole("link", { name: "Manage members" })
    .click();
  await expect(admin.getByRole("heading", { name: DEMO_CASE_TITLE, level: 1 })).toBeVisible();
  await expect(admin.getByText("its contents are hidden")).toBeVisible();
  const members = admin.getByRole("table", { name: "Case members" });
  const msLeadRow = members.getByRole("row").filter({ hasText: "Microsoft Investigator" });
  await expect(msLeadRow).toContainText("Lead");
  await expect(msLeadRow.getByRole("button")).toHaveCount(0);
  await expect(msLeadRow.getByRole("combobox")).toHaveCount(0);
  const addForm = admin.locator("form").filter({ has: admin.getByRole("heading", { name: "Add a member" }) });
  const person = addForm.getByLabel("Person");
  const offered = await person.locator("option").allTextContents();
  expect(offered.length).toBeGreaterThan(0);
  expect(offered.every((o) => o.includes("— OpenAI ("))).toBe(true);
  expect(offered.some((o) => o.startsWith("OpenAI Admin"))).toBe(false);

  // 6. Forging Microsoft's lead into the Person list (to demote them) is refused; nothing changes.
  await person.evaluate((select, id) => {
    const option = document.createElement("option");
    option.value = id;
    option.textContent = "forged";
    select.append(option);
    (select as HTMLSelectElement).value = id;
  }, msLeadUserId);
  await addForm.getByLabel("Case role").selectOption("VIEWER");
  await admin.getByRole("button", { name: "Add member" }).click();
  await expect(admin.getByRole("alert").filter({ hasText: "only your own organisation's members" })).toBeVisible();
  await admin.reload();
  await expect(
    admin.getByRole("table", { name: "Case members" }).getByRole("row").filter({ hasText: "Microsoft Investigator" }),
  ).toContainText("Lead");

  // 7. Their own people they do manage: add OpenAI's executive, then remove them after confirming.
  await person.selectOption({ label: "OpenAI Executive — OpenAI (Executive)" });
  // Only the case role an executive may hold is offered, and chosen.
  await expect(addForm.getByLabel("Case role").locator("option")).toHaveText(["Viewer"]);
  await expect(addForm.getByLabel("Case role")).toHaveValue("VIEWER");
  await addForm.getByLabel("Case role").selectOption("VIEWER");
  await admin.getByRole("button", { name: "Add member" }).click();
  const execRow = admin.getByRole("table", { name: "Case members" }).getByRole("row").filter({
    hasText: "OpenAI Executive",
  });
  await expect(execRow).toContainText("openai.demo");
  await execRow.getByRole("button", { name: "Remove…" }).click();
  await expect(execRow.getByText("Remove OpenAI Executive from the case?")).toBeVisible();
  await expect(execRow.getByRole("button", { name: "Keep" })).toBeFocused();
  // The question is read with the button that takes the focus.
  await expect(execRow.getByRole("button", { name: "Keep" })).toHaveAccessibleDescription(
    "Remove OpenAI Executive from the case?",
  );
  await execRow.getByRole("button", { name: "Keep" }).click();
  await expect(execRow).toBeVisible();
  await execRow.getByRole("button", { name: "Remove…" }).click();
  await execRow.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(admin.getByRole("table", { name: "Case members" }).getByText("OpenAI Executive")).toHaveCount(0);
});

test("the Members tab fits a 390 px phone without scrolling sideways", async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signInAs(page, "investigator@microsoft.demo");
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await page.getByRole("link", { name: "Members" }).click();
  const members = page.getByRole("table", { name: "Case members" });
  await expect(members.getByRole("combobox").first()).toBeVisible();
  const overflow = await page.evaluate(() => {
    const wrap = document.querySelector("table")!.parentElement!;
    return { page: document.documentElement.scrollWidth, table: wrap.scrollWidth - wrap.clientWidth };
  });
  expect(overflow.page).toBeLessThanOrEqual(390);
  expect(overflow.table).toBe(0);
  for (const control of await members.locator("select, button").all()) {
    const box = (await control.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
});
