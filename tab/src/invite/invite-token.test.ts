import { describe, expect, it } from "vitest";
import { tokenFromPath } from "./invite-token";

describe("tokenFromPath", () => {
  it("reads the token of /invite/{token}, with or without a trailing slash", () => {
    expect(tokenFromPath("/invite/AbC-123_xyz")).toBe("AbC-123_xyz");
    expect(tokenFromPath("/invite/AbC-123_xyz/")).toBe("AbC-123_xyz");
    expect(tokenFromPath("/invite/a%2Db")).toBe("a-b");
  });

  it("has no token for other paths or unusable values", () => {
    for (const path of ["/invite", "/invite/", "/", "/invite/a/b", "/x/invite/a", "/invite/%E0%A4%A", "/invite/%20"]) {
      expect(tokenFromPath(path), path).toBeUndefined();
    }
    expect(tokenFromPath(`/invite/${"a".repeat(257)}`)).toBeUndefined();
    expect(tokenFromPath(`/invite/${"a".repeat(256)}`)).toHaveLength(256);
  });
});
