/**
 * The `tenant` check: the tenant's openid-configuration on the chosen cloud (docs/entra.md section 2). msal never
 * checks the tenant itself (docs/entra.md section 6), so without this an unknown tenant would only show as a token
 * error. It needs no credentials, which is why it runs beside the token request instead of before it.
 */
import { type Classification, classifyTokenError, readAadsts } from "../aadsts.catalogue.js";
import { CLOUDS, cloudOfTenant } from "../clouds.js";
import { TransportError, type TransportResponse } from "../http/transport.js";
import { networkResult, serviceTrouble } from "./check.results.js";
import { missingFact, type ValidatorCheck } from "./check.types.js";

/** The tenant GUID in the issuer's path (a domain is resolved to it there). */
const GUID_IN_PATH = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

export const tenantCheck: ValidatorCheck = {
  id: "tenant",
  after: ["format"],
  skipCause: "the tenant check did not pass",
  async run({ transport, endpoints, cloud, correlationId, facts }) {
    const tenant = facts.tenant;
    if (tenant === undefined) return missingFact("tenant");
    let response: TransportResponse;
    try {
      response = await transport.send({
        method: "GET",
        url: `${endpoints.loginUrl}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
        headers: { accept: "application/json", "client-request-id": correlationId },
      });
    } catch (error) {
      if (error instanceof TransportError) return { result: networkResult(error, "The Microsoft login service") };
      throw error;
    }
    const json = response.json as Record<string, unknown> | undefined;
    if (response.status === 200 && json && typeof json.issuer === "string") {
      const guid = GUID_IN_PATH.exec(new URL(json.issuer, "https://x").pathname)?.[1]?.toLowerCase();
      if (!guid) {
        // The multi-tenant endpoints' documents carry a placeholder issuer (docs/entra.md section 2).
        return {
          result: {
            status: "fail",
            code: "tenant_not_found",
            message: "This identifier names no single tenant.",
            remedy: "Enter the customer's own Directory (tenant) ID.",
          },
        };
      }
      const tenantCloud = cloudOfTenant(json);
      const regionDetail = {
        tenantId: guid,
        regionScope: json.tenant_region_scope ?? null,
        cloudInstance: json.cloud_instance_name ?? null,
      };
      if (tenantCloud && tenantCloud !== cloud) {
        // A confidential client cannot cross clouds (docs/entra.md section 1): say which cloud to choose.
        return {
          facts: { tenantGuid: guid },
          result: {
            status: "fail",
            code: "wrong_cloud",
            message: `The tenant exists but lives in another Microsoft cloud (${tenantCloud}), not in the chosen one (${cloud}).`,
            remedy: `Choose the cloud ${CLOUDS[tenantCloud].label} ("${tenantCloud}") and use an app registration made in that cloud.`,
            detail: { ...regionDetail, tenantCloud },
          },
        };
      }
      return {
        facts: { tenantGuid: guid },
        result: {
          status: "pass",
          message:
            tenant === guid ? `The tenant ${guid} exists.` : `The tenant ${tenant} exists; its tenant ID is ${guid}.`,
          detail: regionDetail,
        },
      };
    }
    if (response.status === 429 || response.status >= 500 || json === undefined) {
      return { result: serviceTrouble(response, "The Microsoft login service", "entra_unreachable") };
    }
    // Classified by number, never by text (docs/entra.md section 4).
    const aadsts = readAadsts(undefined, json.error_codes, json.error_description);
    const classified = classifyTokenError({
      status: response.status,
      ...(typeof json.error === "string" ? { error: json.error } : {}),
      ...(aadsts !== undefined ? { aadsts } : {}),
    });
    // Any refusal of the lookup that is not about the cloud reads as an unknown tenant (AADSTS90002), with the cloud
    // it may live in instead.
    const notFound: Classification =
      classified.code === "wrong_cloud" ? classified : classifyTokenError({ aadsts: 90002 }, cloud);
    return {
      result: {
        ...notFound,
        detail: {
          httpStatus: response.status,
          error: json.error,
          ...(aadsts !== undefined ? { aadsts } : {}),
          ...(typeof json.correlation_id === "string" ? { correlationId: json.correlation_id } : {}),
        },
      },
    };
  },
};
