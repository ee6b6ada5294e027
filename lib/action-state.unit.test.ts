import { describe, expect, it } from "vitest";
import { runAction } from "@/lib/action-state";

// What a server action answers when a hand-made request puts something else where its form goes.
describe("runAction", () => {
  it("runs the body with a form, and refuses anything else in its place without running it", async () => {
    let ran = 0;
    const body = async () => {
      ran++;
    };
    expect(await runAction(body, new FormData())).toEqual({ ok: true });
    for (const junk of [undefined, null, "title=x", { get: () => "x" }, ["a"]]) {
      expect(await runAction(body, junk)).toMatchObject({ ok: false, message: "This action takes a form's fields." });
    }
    expect(ran).toBe(1);
    expect(await runAction(body)).toEqual({ ok: true }); // an action that declares no form
    expect(ran).toBe(2);
  });

  it("answers an unexpected error with the generic message, not its detail", async () => {
    const state = await runAction(async () => {
      throw new TypeError("form.get is not a function");
    });
    expect(state).toEqual({ ok: false, message: expect.stringMatching(/^Something went wrong on our side/) });
  });
});
