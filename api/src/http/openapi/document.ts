/**
 * Builds the OpenAPI 3.1 document of GET /api/openapi.json (docs/api.md, "OpenAPI description") from the operation
 * table (operations.ts) and the contract's zod schemas, with zod's own JSON Schema 2020-12 output (the dialect of
 * OpenAPI 3.1). Answers are converted as the server sends them, request bodies as a client sends them (fields with a
 * default are optional).
 */
import { problemSchema } from "@dr/contract/schemas";
import { z } from "zod";
import { ANSWER_SCHEMAS, BODY_SCHEMAS, OPERATIONS, type Operation } from "./operations.js";

/** What the document says of this server. */
export interface DocumentOptions {
  version: string;
  /** `dev`: the operator names themselves with x-dev-user (loopback only); `entra`: Teams SSO bearer tokens. */
  authMode: "dev" | "entra";
}

type Json = Record<string, unknown>;

const REF = (name: string) => `#/components/schemas/${name}`;

/** Converts named schemas to `components.schemas`, with `$ref`s between them. */
function componentsOf(named: Record<string, z.ZodType>, io: "input" | "output"): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    uri: REF,
    // A refinement or transform has no JSON Schema form; the shape around it does.
    unrepresentable: "any",
  }) as { schemas: Record<string, Json> };
  const out: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    out[id] = rest;
  }
  return out;
}

/** One JSON Schema for a parameter's value (no `$schema`). */
function parameterSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

/** The security requirement of an operation, and the sentence that says who may call it. */
function securityOf(op: Operation, authMode: DocumentOptions["authMode"]): { security: Json[]; note: string } {
  switch (op.access.kind) {
    case "operator": {
      const roles = {
        read: "Onboarding.Reader, Onboarding.Operator or Onboarding.Admin",
        operate: "Onboarding.Operator or Onboarding.Admin",
        admin: "Onboarding.Admin",
      }[op.access.permission];
      const security: Json[] = [{ operatorToken: [] }];
      if (authMode === "dev") security.push({ devOperator: [] });
      return { security, note: `Needs the \`${op.access.permission}\` permission (app role ${roles}).` };
    }
    case "invite":
      return { security: [], note: "Public: the invitation link's token in the path is the key." };
    case "bot":
      return { security: [{ botFramework: [] }], note: "Bot Framework Connector only." };
    case "metrics":
      return { security: [{ metricsToken: [] }], note: "Needs METRICS_TOKEN as a bearer token." };
    default:
      return { security: [], note: "Public." };
  }
}

/** The problem answer of one status, narrowed to the codes it can carry. */
function problemAnswer(codes: readonly string[]): Json {
  return {
    description: `Problem: ${codes.map((c) => `\`${c}\``).join(", ")}.`,
    content: {
      "application/problem+json": {
        schema: { allOf: [{ $ref: REF("Problem") }, { properties: { code: { enum: [...codes] } } }] },
      },
    },
  };
}

/** One operation object. */
function operationObject(op: Operation, options: DocumentOptions): Json {
  const parameters: Json[] = [];
  for (const [name, param] of Object.entries(op.params ?? {})) {
    parameters.push({
      name,
      in: "path",
      required: true,
      description: param.description,
      schema: param.uuid ? { type: "string", format: "uuid" } : { type: "string" },
    });
  }
  if (op.query) {
    const shape = op.query.shape as Record<string, z.ZodType>;
    for (const [name, schema] of Object.entries(shape)) {
      parameters.push({
        name,
        in: "query",
        required: !schema.safeParse(undefined).success,
        schema: parameterSchema(schema),
      });
    }
  }
  for (const [name, description] of Object.entries(op.headers ?? {})) {
    parameters.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  }
  const responses: Json = {};
  for (const [status, answer] of Object.entries(op.answers)) {
    const content: Json = {};
    if (answer.schema) content["application/json"] = { schema: { $ref: REF(answer.schema) } };
    if (answer.content)
      content[answer.content.type] = { schema: { type: "string", description: answer.content.description } };
    if (answer.stream) {
      content["text/event-stream"] = {
        schema: { type: "string", description: `With \`Accept: text/event-stream\`: ${answer.stream}` },
      };
    }
    responses[status] = {
      description: answer.description,
      ...(Object.keys(content).length > 0 ? { content } : {}),
      ...(answer.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(answer.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }]),
            ),
          }
        : {}),
    };
  }
  // AUTH_MODE=dev serves loopback Host names only (docs/api.md): any other gets 421.
  const devOnly = options.authMode === "dev" ? { 421: ["misdirected_request"] } : {};
  for (const [status, codes] of Object.entries({ ...op.problems, ...devOnly, 500: ["internal"] })) {
    responses[status] = problemAnswer(codes);
  }
  const { security, note } = securityOf(op, options.authMode);
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: [op.description, note].filter(Boolean).join("\n\n"),
    tags: [op.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: REF(op.body) } } },
          },
        }
      : {}),
    responses,
    security,
    ...(op.access.kind === "operator" ? { "x-permission": op.access.permission } : {}),
  };
}

/** The OpenAPI 3.1 document of the API. */
export function buildOpenApiDocument(options: DocumentOptions): Json {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) {
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method]: operationObject(op, options) };
  }
  const schemas = {
    ...componentsOf({ ...ANSWER_SCHEMAS, Problem: problemSchema }, "output"),
    ...componentsOf(BODY_SCHEMAS, "input"),
  };
  const securitySchemes: Json = {
    operatorToken: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description:
        "AUTH_MODE=entra: the tab's Teams SSO token. Verified with the provider tenant's signing keys (RS256), issuer `<login>/<AUTH_TENANT_ID>/v2.0`, audience AUTH_CLIENT_ID, `scp` containing `access_as_user`, `tid` the provider tenant; the `roles` claim (Onboarding.Reader, Onboarding.Operator, Onboarding.Admin) grants the permissions.",
    },
    botFramework: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description:
        "The Bot Framework Connector's token, verified by the Bot Framework SDK against MicrosoftAppId (a bot without MicrosoftAppId runs unauthenticated on loopback only).",
    },
    metricsToken: {
      type: "http",
      scheme: "bearer",
      description: "METRICS_TOKEN (at least 32 characters), compared in constant time. GET /metrics is off without it.",
    },
  };
  if (options.authMode === "dev") {
    securitySchemes.devOperator = {
      type: "apiKey",
      in: "header",
      name: "x-dev-user",
      description:
        "AUTH_MODE=dev only (refused in production, loopback only): the operator's name, with every app role. Without the header the server's DEV_OPERATOR is used.",
    };
  }
  return {
    openapi: "3.1.1",
    info: {
      title: "Direct Routing onboarding API",
      version: options.version,
      description:
        "Validate and store a customer tenant's App registration credentials for Microsoft Teams Direct Routing. Every non-2xx answer is application/problem+json (RFC 9457) with a stable `code`; no answer ever contains a client secret. Generated from the contract's zod schemas (docs/api.md).",
    },
    // No `servers`: the default is this server's own origin ("Try it out" calls nothing else), and Swagger UI then
    // shows no server picker (an unlabelled select).
    tags: [...new Set(OPERATIONS.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: { schemas, securitySchemes },
  };
}
