/**
 * The fleet (docs/product.md section 11, issue 15): the answer of GET /api/fleet, and the re-validation runs of
 * POST /api/fleet/revalidation and GET /api/fleet/revalidation/{runId}. The shapes are zod schemas so the API's
 * OpenAPI description is generated from them; the types below are what the tab and the bot read.
 */
import { z } from "zod";

/** How many days ahead the expiry timeline reaches. */
export const FLEET_TIMELINE_DAYS = 90;
/** How many services the fleet answer lists under `attention` at most (the worst first). */
export const FLEET_ATTENTION_LIMIT = 50;

/** The four service statuses, as the services list shows them. */
export const fleetStatusSchema = z.enum(["connected", "expiring", "auth_failed", "not_validated"]);

/** Services by status. */
export const fleetCountsSchema = z.object({
  connected: z.number().int().nonnegative(),
  expiring: z.number().int().nonnegative(),
  auth_failed: z.number().int().nonnegative(),
  not_validated: z.number().int().nonnegative(),
});

/** One week of the expiry timeline: the credentials that expire in [weekStart, weekStart + 7 days). */
export const fleetExpiryWeekSchema = z.object({
  /** The week's first day (UTC, ISO date `YYYY-MM-DD`); the first week starts today. */
  weekStart: z.string(),
  count: z.number().int().nonnegative(),
  /** The same credentials by their service's status. */
  byStatus: fleetCountsSchema,
});

/** A re-validation run's state. */
export const fleetRunStatusSchema = z.enum(["running", "completed", "cancelled", "failed"]);
/** What started a run. */
export const fleetRunTriggerSchema = z.enum(["manual", "scheduled"]);

/** Progress of one re-validation run (the answer of GET /api/fleet/revalidation/{runId}, and each stream event). */
export const fleetRunSchema = z.object({
  runId: z.string(),
  status: fleetRunStatusSchema,
  trigger: fleetRunTriggerSchema,
  /** Services in the run. */
  total: z.number().int().nonnegative(),
  /** Services finished (passed, failed or unknown). */
  done: z.number().int().nonnegative(),
  /** Of `done`: validations that failed (credentials refused, permissions missing). */
  failed: z.number().int().nonnegative(),
  /** Of `done`: validations Microsoft could not answer (throttled, unreachable); never counted as failed. */
  unknown: z.number().int().nonnegative(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});

/** 202 answer of POST /api/fleet/revalidation (the running run's id when one is already running). */
export const fleetRunStartedSchema = z.object({ runId: z.string() });

/** Events of GET /api/fleet/revalidation/{runId} with `Accept: text/event-stream`: `progress` until `end`. */
export type FleetRunEvent = { event: "progress"; data: FleetRun } | { event: "end"; data: FleetRun };

/** Services by status. */
export type FleetCounts = z.infer<typeof fleetCountsSchema>;
/** One week of the expiry timeline. */
export type FleetExpiryWeek = z.infer<typeof fleetExpiryWeekSchema>;
/** A run's state. */
export type FleetRunStatus = z.infer<typeof fleetRunStatusSchema>;
/** What started a run. */
export type FleetRunTrigger = z.infer<typeof fleetRunTriggerSchema>;
/** Progress of one run. */
export type FleetRun = z.infer<typeof fleetRunSchema>;
/** 202 answer of POST /api/fleet/revalidation. */
export type FleetRunStarted = z.infer<typeof fleetRunStartedSchema>;

// The answer of GET /api/fleet (FleetSummary, which lists Services) is a zod schema in answers.schema.ts.
