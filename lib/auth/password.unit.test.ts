import { describe, expect, it } from "vitest";
import { hashesAtOnce, isCommonPassword } from "@/lib/auth/password";
import { ZResetPassword } from "@/lib/users/schemas";

describe("isCommonPassword", () => {
  it.each([
    "qwerty123456",
    "1qaz2wsx3edc",
    "Password1234",
    "password1234!",
    "!!dragon2024!!",
    "aaaaaaaaaaaa",
    "abcabcabcabc",
  ])("refuses %s", (password) => expect(isCommonPassword(password)).toBe(true));

  it.each(["correct horse battery staple", "casebridge-demo", "tulip-ledger-vortex", "Zq8!mR2#pL5w"])(
    "accepts %s",
    (password) => expect(isCommonPassword(password)).toBe(false),
  );
});

describe("the password rule where passwords are set", () => {
  const parse = (password: string) => ZResetPassword.safeParse({ password, confirmPassword: password });

  it("refuses fewer than 12 characters and common passwords, with a message for the field", () => {
    expect(parse("short-pass1").error?.issues[0]?.message).toMatch(/at least 12 characters/);
    expect(parse("qwerty123456").error?.issues[0]?.message).toMatch(/too common/);
    expect(parse("correct horse battery staple").success).toBe(true);
  });
});

describe("hashes at once", () => {
  it("shares the cores out between the server processes, at least one each", () => {
    expect(hashesAtOnce(2)).toBe(2);
    expect(hashesAtOnce(2, 2)).toBe(1);
    expect(hashesAtOnce(8, 3)).toBe(2);
    expect(hashesAtOnce(2, 4)).toBe(1);
  });
});
