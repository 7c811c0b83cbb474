import { describe, expect, it } from "vitest";
import { fieldMessage, fieldMessageOf } from "./field-message.js";
import { clientSecretSchema, licensedUsersSchema, shortNameSchema, tenantIdSchema } from "./inputs.schema.js";
import { createCustomerSchema, subdomainLabelSchema } from "./onboarding.schema.js";

describe("fieldMessage", () => {
  it("is undefined for an accepted value", () => {
    expect(fieldMessage(shortNameSchema, "contoso-dr")).toBeUndefined();
    expect(fieldMessage(tenantIdSchema, "contoso.onmicrosoft.com")).toBeUndefined();
    expect(fieldMessage(licensedUsersSchema, 500)).toBeUndefined();
  });

  it("says the schema's message for one problem", () => {
    expect(fieldMessage(subdomainLabelSchema, "-bad")).toBe(
      "SBC sub-domain: use 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen.",
    );
    expect(fieldMessage(clientSecretSchema, "")).toBe("Client secret: paste the secret's Value.");
  });

  it("says every distinct problem once, in the schema's order", () => {
    expect(fieldMessage(shortNameSchema, "a ")).toBe(
      "Short name: use at least 3 characters. Short name: remove spaces and other whitespace.",
    );
    expect(fieldMessage(shortNameSchema, "a.b c")).toBe(
      "Short name: remove spaces and other whitespace. Short name: remove the dot (.).",
    );
    // A text is refused by its type alone; a fraction by the whole-number rule, which stops there.
    expect(fieldMessage(licensedUsersSchema, "12")).toBe("Licensed users: enter a whole number from 1 to 500.");
    expect(fieldMessage(licensedUsersSchema, 0.5)).toBe("Licensed users: enter a whole number from 1 to 500.");
  });

  it("works on object schemas too (every field's message)", () => {
    expect(fieldMessage(createCustomerSchema, { name: " " })).toBe("Customer name: required.");
  });
});

describe("fieldMessageOf", () => {
  it("reads a safeParse result, so a caller that needs the data parses once", () => {
    const ok = shortNameSchema.safeParse("contoso-dr");
    expect(fieldMessageOf(ok)).toBeUndefined();
    const refused = shortNameSchema.safeParse("au dit");
    expect(fieldMessageOf(refused)).toBe(fieldMessage(shortNameSchema, "au dit"));
  });
});
