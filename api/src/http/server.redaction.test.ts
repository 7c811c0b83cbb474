import { describe, expect, it } from "vitest";
import { redactLoggedUrl } from "./server.js";

describe("redactLoggedUrl", () => {
  it("replaces the token of the invitation page and of its API, keeping the rest", () => {
    expect(redactLoggedUrl("/invite/AbC-123_xyz")).toBe("/invite/[redacted]");
    expect(redactLoggedUrl("/invite/AbC-123_xyz?x=1")).toBe("/invite/[redacted]?x=1");
    expect(redactLoggedUrl("/api/invite/AbC-123_xyz")).toBe("/api/invite/[redacted]");
    expect(redactLoggedUrl("/api/invite/AbC-123_xyz/validation")).toBe("/api/invite/[redacted]/validation");
    expect(redactLoggedUrl("//api//invite//AbC")).toBe("//api//invite//[redacted]");
    expect(redactLoggedUrl("/API/Invite/AbC")).toBe("/API/Invite/[redacted]");
  });

  it("leaves every other URL as it is", () => {
    for (const url of [
      "/",
      "/invite",
      "/invite/",
      "/api/invitations",
      "/api/invitations/123/resend",
      "/services/new",
    ]) {
      expect(redactLoggedUrl(url)).toBe(url);
    }
  });
});
