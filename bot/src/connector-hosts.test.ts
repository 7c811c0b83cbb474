import { describe, expect, it } from "vitest";
import { isAllowedServiceUrl, serviceUrlForLog } from "./connector-hosts.js";

const registered = { allowLoopback: false } as const;
const anonymous = { allowLoopback: true } as const;

describe("connector host allow-list", () => {
  it("allows each cloud's Teams connector host over https, and only that cloud's", () => {
    const cases = [
      ["commercial", "https://smba.trafficmanager.net/emea/"],
      ["commercial", "https://smba.trafficmanager.net/teams/"],
      ["commercial", "https://SMBA.trafficmanager.net:443/amer/"],
      ["gcc", "https://smba.infra.gcc.teams.microsoft.com/teams"],
      ["gcc-high", "https://smba.infra.gov.teams.microsoft.us/teams"],
      ["dod", "https://smba.infra.dod.teams.microsoft.us/teams"],
    ] as const;
    for (const [cloud, url] of cases) {
      expect(isAllowedServiceUrl(url, { cloud, ...registered }), url).toBe(true);
      for (const other of ["commercial", "gcc", "gcc-high", "dod"] as const) {
        if (other !== cloud)
          expect(isAllowedServiceUrl(url, { cloud: other, ...registered }), `${url} in ${other}`).toBe(false);
      }
    }
  });

  it("refuses other hosts, schemes, ports, credentials and look-alikes", () => {
    const policy = { cloud: "commercial", ...anonymous } as const;
    for (const url of [
      "http://smba.trafficmanager.net/emea/",
      "https://smba.trafficmanager.net:8443/emea/",
      "https://smba.trafficmanager.net.evil.example/emea/",
      "https://evil.example/smba.trafficmanager.net/",
      "https://user:pass@smba.trafficmanager.net/emea/",
      "https://smba.trafficmanager.net@evil.example/",
      "ftp://127.0.0.1/",
      "http://0.0.0.0:3978/",
      "http://[::ffff:127.0.0.1]:3978/",
      "http://10.0.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "not a url",
      "",
      undefined,
      42,
    ]) {
      expect(isAllowedServiceUrl(url, policy), String(url)).toBe(false);
    }
  });

  it("allows loopback only to the anonymous local bot", () => {
    for (const url of [
      "http://127.0.0.1:56150/",
      "https://127.0.0.1/",
      "http://127.1.2.3:3978",
      "http://localhost:56150",
      "http://[::1]:3978/",
    ]) {
      expect(isAllowedServiceUrl(url, { cloud: "commercial", ...anonymous }), url).toBe(true);
      expect(isAllowedServiceUrl(url, { cloud: "commercial", ...registered }), url).toBe(false);
    }
  });

  it("logs only the scheme and host, printable and short", () => {
    expect(serviceUrlForLog("https://evil.example/path?q=secret")).toBe("https://evil.example");
    expect(serviceUrlForLog("nonsense")).toBe("(unparsable)");
    expect(serviceUrlForLog(undefined)).toBe("(undefined)");
    expect(serviceUrlForLog(`https://${"a".repeat(300)}.example/`).length).toBeLessThanOrEqual(200);
  });
});
