import { describe, expect, it } from "vitest";
import { matchRoute, paths, startPathOf } from "./router";

describe("matchRoute", () => {
  it("matches the tab's pages", () => {
    expect(matchRoute("/")).toEqual({ name: "services" });
    expect(matchRoute("/services/new")).toEqual({ name: "wizard" });
    expect(matchRoute("/config")).toEqual({ name: "config" });
    expect(matchRoute("/outbox")).toEqual({ name: "outbox" });
    expect(matchRoute("/outbox/")).toEqual({ name: "outbox" });
    expect(matchRoute("/fleet")).toEqual({ name: "fleet" });
    expect(matchRoute("/provisioning/new")).toEqual({ name: "provisioning" });
    expect(matchRoute("/provisioning/0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f")).toEqual({
      name: "provisioning",
      id: "0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f",
    });
    expect(matchRoute("/services/0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f")).toEqual({
      name: "portal",
      id: "0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f",
    });
  });

  it("ignores trailing slashes", () => {
    expect(matchRoute("")).toEqual({ name: "services" });
    expect(matchRoute("//")).toEqual({ name: "services" });
    expect(matchRoute("/services/new/")).toEqual({ name: "wizard" });
    expect(matchRoute("/config/")).toEqual({ name: "config" });
    expect(matchRoute("/services/abc/")).toEqual({ name: "portal", id: "abc" });
  });

  it("decodes the service id", () => {
    expect(matchRoute("/services/a%20b")).toEqual({ name: "portal", id: "a b" });
  });

  it("answers not-found for anything else", () => {
    for (const path of [
      "/services",
      "/services/abc/m365",
      "/audit",
      "/config/x",
      "/Services/new",
      "/index.html",
      "/provisioning",
      "/provisioning/abc/cleanup",
    ]) {
      expect(matchRoute(path), path).toEqual({ name: "not-found" });
    }
  });

  it("is case-sensitive: /services/NEW is a service id, not the wizard", () => {
    expect(matchRoute("/services/NEW")).toEqual({ name: "portal", id: "NEW" });
  });
});

describe("paths", () => {
  it("builds the links of the pages", () => {
    expect(paths.services()).toBe("/");
    expect(paths.services("expiring")).toBe("/?status=expiring");
    expect(paths.wizard()).toBe("/services/new");
    expect(paths.outbox()).toBe("/outbox");
    expect(paths.wizard("a b&c")).toBe("/services/new?invitation=a%20b%26c");
    expect(paths.wizardFromProvisioning("a b&c")).toBe("/services/new?provisioning=a%20b%26c");
    expect(paths.provisioningNew()).toBe("/provisioning/new");
    expect(paths.provisioningNew("c&1")).toBe("/provisioning/new?customer=c%261");
    expect(paths.provisioning("r/1")).toBe("/provisioning/r%2F1");
    expect(paths.portal("abc")).toBe("/services/abc");
    expect(paths.portal("abc", "m365")).toBe("/services/abc?tab=m365");
  });

  it("encodes what it puts in a path or a query", () => {
    expect(paths.services("a&b=c")).toBe("/?status=a%26b%3Dc");
    expect(paths.portal("a/b c")).toBe("/services/a%2Fb%20c");
  });

  it("round-trips through matchRoute", () => {
    expect(matchRoute(paths.wizard())).toEqual({ name: "wizard" });
    expect(matchRoute(paths.services())).toEqual({ name: "services" });
    expect(matchRoute(paths.outbox())).toEqual({ name: "outbox" });
    expect(matchRoute(paths.fleet())).toEqual({ name: "fleet" });
    expect(matchRoute(paths.provisioningNew())).toEqual({ name: "provisioning" });
    for (const id of ["abc", "a/b c", "ünï"]) {
      expect(matchRoute(paths.provisioning(id))).toEqual({ name: "provisioning", id });
    }
    for (const id of ["abc", "a/b c", "new-ish", "ünï"]) {
      expect(matchRoute(paths.portal(id))).toEqual({ name: "portal", id });
    }
  });
});

describe("startPathOf", () => {
  it("opens the wizard on the invitation a deep link's sub-page names, and nothing else", () => {
    const id = "0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f";
    expect(startPathOf(`invitation:${id}`)).toBe(paths.wizard(id));
    for (const other of [undefined, "", "services", "invitation:../config", "invitation:x"]) {
      expect(startPathOf(other), String(other)).toBeUndefined();
    }
  });
});
