import { describe, expect, it } from "vitest";
import { secretWarning } from "../format/field-rules";
import { emptyDraft, type WizardDraft } from "./wizard.state";
import { credentialsErrors, isClean, newCustomerErrors, serviceErrors, subdomainError } from "./wizard.validation";

function draft(patch: Partial<WizardDraft> = {}): WizardDraft {
  return { ...emptyDraft(), ...patch };
}

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "3742bc72-53aa-404c-8307-0dc491c26d61";

describe("newCustomerErrors", () => {
  const form = (c: Partial<WizardDraft["newCustomer"]>) =>
    draft({ newCustomer: { name: "", contactEmail: "", note: "", ...c } });

  it("accepts a name alone, or with an address and a note", () => {
    expect(newCustomerErrors(form({ name: "Contoso" }))).toEqual({});
    expect(newCustomerErrors(form({ name: "Contoso", contactEmail: " admin@contoso.com ", note: "x" }))).toEqual({});
  });

  it("wants a name that is not only spaces", () => {
    expect(newCustomerErrors(form({})).name).toBe("Customer name: required.");
    expect(newCustomerErrors(form({ name: "   " })).name).toBe("Customer name: required.");
  });

  it("refuses a malformed address and an overlong note, one message per field", () => {
    const errors = newCustomerErrors(form({ name: "C", contactEmail: "not-an-address", note: "n".repeat(2001) }));
    expect(errors.contactEmail).toMatch(/^Contact e-mail: /);
    expect(errors.note).toBe("Note: at most 2000 characters.");
    expect(errors.name).toBeUndefined();
  });

  it("takes an empty address as none", () => {
    expect(newCustomerErrors(form({ name: "C", contactEmail: "  " })).contactEmail).toBeUndefined();
  });
});

describe("serviceErrors", () => {
  const valid = { shortName: "contoso-dr", licenseType: "hosted-pro", licensedUsers: "25" } as const;

  it("accepts a complete service", () => {
    expect(serviceErrors(draft(valid))).toEqual({});
    expect(isClean(serviceErrors(draft({ ...valid, fullName: "Contoso Direct Routing" })))).toBe(true);
  });

  it("names every missing field of an empty step", () => {
    const errors = serviceErrors(draft());
    expect(Object.keys(errors).sort()).toEqual(["licenseType", "licensedUsers", "shortName"]);
  });

  it("says every problem of the short name at once, as the API would", () => {
    expect(serviceErrors(draft({ ...valid, shortName: "a." })).shortName).toBe(
      "Short name: use at least 3 characters. Short name: remove the dot (.).",
    );
  });

  it("reads licensed users as typed: half-typed, fractional or out of range numbers are refused", () => {
    for (const typed of ["", "12a", "1.5", "-1", "0", "501"]) {
      expect(serviceErrors(draft({ ...valid, licensedUsers: typed })).licensedUsers, typed).toMatch(
        /^Licensed users: /,
      );
    }
    expect(serviceErrors(draft({ ...valid, licensedUsers: " 500 " })).licensedUsers).toBeUndefined();
  });

  it("refuses a full name over 64 characters", () => {
    expect(serviceErrors(draft({ ...valid, fullName: "x".repeat(65) })).fullName).toBe(
      "Full name: use at most 64 characters.",
    );
  });
});

describe("credentialsErrors", () => {
  it("checks the certificate's shape in place of the secret when a certificate is chosen", () => {
    const d = draft({ tenantId: TENANT, clientId: CLIENT, credentialType: "certificate" });
    const none = { pem: "", pfx: "", password: "", files: [] };
    expect(credentialsErrors(d, "", none)).toEqual({
      clientCertificate: "Certificate: paste the PEM text (certificate and private key) or choose the .pfx file.",
    });
    const pem =
      "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nB\n-----END PRIVATE KEY-----";
    expect(credentialsErrors(d, "", { ...none, pem })).toEqual({});
    expect(
      credentialsErrors(draft({ tenantId: TENANT, clientId: CLIENT }), "", { ...none, pem }).clientSecret,
    ).toBeDefined();
  });

  it("accepts a GUID or a domain as the tenant, a GUID as the client and a secret value", () => {
    expect(credentialsErrors(draft({ tenantId: TENANT, clientId: CLIENT }), "Abc8Q~secret.value")).toEqual({});
    expect(credentialsErrors(draft({ tenantId: "contoso.onmicrosoft.com", clientId: CLIENT }), "x~y")).toEqual({});
  });

  it("accepts a GUID-shaped secret (legacy az CLI/PowerShell) with a Secret ID warning, and names each field", () => {
    const errors = credentialsErrors(draft({ tenantId: "common", clientId: "app" }), CLIENT);
    expect(errors.tenantId).toMatch(/^Tenant ID: "common" is not a tenant/);
    expect(errors.clientId).toMatch(/^Application \(client\) ID: /);
    expect(errors.clientSecret).toBeUndefined();
    expect(credentialsErrors(draft({ tenantId: TENANT, clientId: CLIENT }), CLIENT)).toEqual({});
    expect(secretWarning(CLIENT)).toMatch(/^Client secret: this looks like the Secret ID, not its Value/);
    expect(secretWarning("Abc8Q~secret.value")).toBeUndefined();
    expect(secretWarning("")).toBeUndefined();
  });

  it("wants a secret", () => {
    expect(credentialsErrors(draft({ tenantId: TENANT, clientId: CLIENT }), "").clientSecret).toBe(
      "Client secret: paste the secret's Value.",
    );
  });
});

describe("subdomainError", () => {
  it("accepts a DNS label and refuses anything else", () => {
    expect(subdomainError("contoso-dr")).toBeUndefined();
    expect(subdomainError("a".repeat(63))).toBeUndefined();
    for (const label of ["", "-a", "a-", "Contoso", "a.b", "a_b", "a".repeat(64)]) {
      expect(subdomainError(label), label).toMatch(/^SBC sub-domain: /);
    }
  });
});

describe("isClean", () => {
  it("is true when no field holds a message", () => {
    expect(isClean({})).toBe(true);
    expect(isClean({ a: undefined })).toBe(true);
    expect(isClean({ a: undefined, b: "Fix this." })).toBe(false);
  });
});
