-- Case numbers become random (lib/cases/numbers.ts): CB-<year>-<six symbols>. One counter for
-- the instance told a partner shown two numbers how many cases had been opened between them
-- that it could not see; a counter per organisation would still tell it how many the owner
-- opened. Numbers already handed out stay as they are; the counter goes.
DROP TABLE "CaseNumberCounter";
