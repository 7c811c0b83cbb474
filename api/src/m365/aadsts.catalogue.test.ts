/** The catalogue's cross-cloud answers (docs/entra.md section 1): each names the cloud to choose. */
import type { Cloud } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { classifyTokenError } from "./aadsts.catalogue.js";

describe("classifyTokenError across clouds", () => {
  it("reads a US Gov tenant asked on the global host as wrong_cloud, choose GCC High or DoD", () => {
    for (const aadsts of [900382, 900432, 900439]) {
      const c = classifyTokenError({ status: 400, error: "invalid_request", aadsts }, "global");
      expect(c).toMatchObject({ status: "fail", code: "wrong_cloud" });
      expect(c.remedy).toContain("Choose GCC High (or DoD");
    }
  });

  it("reads a global tenant asked on the US Gov host (900440) as wrong_cloud, choose the global cloud", () => {
    const c = classifyTokenError({ status: 400, error: "invalid_request", aadsts: 900440 }, "usgov-dod");
    expect(c).toMatchObject({ status: "fail", code: "wrong_cloud" });
    expect(c.remedy).toContain("Choose the global cloud");
  });

  it("names where an unknown tenant may live instead, by the chosen cloud", () => {
    const byCloud = (cloud: Cloud) => classifyTokenError({ status: 400, aadsts: 90002 }, cloud);
    for (const cloud of ["global", "usgov-gcchigh", "usgov-dod"] as const) {
      expect(byCloud(cloud)).toMatchObject({ code: "tenant_not_found" });
      expect(byCloud(cloud).remedy).toContain("choose China");
    }
    expect(byCloud("china").remedy).toContain("choose global, GCC High or DoD");
    // Without a cloud the remedy stays general.
    expect(classifyTokenError({ aadsts: 90002 }).remedy).toContain("or choose the cloud the tenant lives in");
  });
});
