/**
 * The Adaptive Card 1.5 rules Teams enforces, as a checker the card tests share: the header, the allowed action
 * types (also inside ActionSets, ShowCard cards, fallbacks and refresh), a verb on every Action.Execute, input ids
 * unique across the card, and no secret anywhere in the serialised card.
 */
import type { AdaptiveCard } from "./card.types.js";

/** Action types Teams accepts. */
export const ALLOWED_ACTION_TYPES: readonly string[] = [
  "Action.Execute",
  "Action.Submit",
  "Action.OpenUrl",
  "Action.ShowCard",
  "Action.ToggleVisibility",
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every object in the card, depth first, with its JSON path. */
function* walk(value: unknown, path: string): Generator<{ node: Record<string, unknown>; path: string }> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* walk(item, `${path}[${i}]`);
    return;
  }
  if (!isRecord(value)) return;
  yield { node: value, path };
  for (const [key, child] of Object.entries(value)) yield* walk(child, `${path}.${key}`);
}

/** Whether a node sits where an action belongs (an actions array, a fallback, a refresh action, a selectAction). */
const isActionPath = (path: string) => /(\.actions\[\d+\]|\.fallback|\.refresh\.action|\.selectAction)$/.test(path);

/**
 * The rules a card breaks, as sentences (empty = fine). `secrets` are values that must not appear anywhere in the
 * serialised card (a canary secret fed to the builder).
 */
export function teamsCardProblems(card: AdaptiveCard, secrets: string[] = []): string[] {
  const problems: string[] = [];
  if (card.type !== "AdaptiveCard") problems.push('type must be "AdaptiveCard"');
  if (card.version !== "1.5") problems.push('version must be "1.5"');
  if (card.$schema !== "http://adaptivecards.io/schemas/adaptive-card.json") problems.push("$schema missing");
  if (!Array.isArray(card.body)) problems.push("body must be an array");
  const inputIds = new Map<string, string>();
  for (const { node, path } of walk(card, "$")) {
    const type = node.type;
    if (typeof type === "string" && type.startsWith("Action.")) {
      if (!ALLOWED_ACTION_TYPES.includes(type)) problems.push(`${path}: action type ${type} is not allowed`);
      if (type === "Action.Execute" && (typeof node.verb !== "string" || node.verb === "")) {
        problems.push(`${path}: Action.Execute without a verb`);
      }
      if (typeof node.title !== "string" && !path.endsWith(".refresh.action")) {
        problems.push(`${path}: action without a title`);
      }
    } else if (isActionPath(path) && type !== undefined) {
      problems.push(`${path}: ${String(type)} is not an action`);
    }
    if (typeof type === "string" && type.startsWith("Input.")) {
      const id = node.id;
      if (typeof id !== "string" || id === "") problems.push(`${path}: ${type} without an id`);
      else if (inputIds.has(id)) problems.push(`${path}: input id "${id}" also used at ${inputIds.get(id)}`);
      else inputIds.set(id, path);
    }
  }
  if (card.refresh) {
    if (card.refresh.action.type !== "Action.Execute") problems.push("refresh.action must be an Action.Execute");
    if ((card.refresh.userIds?.length ?? 0) > 60) problems.push("refresh.userIds: at most 60");
  }
  const serialised = JSON.stringify(card);
  for (const secret of secrets) {
    if (secret && serialised.includes(secret)) problems.push("the card contains a secret value");
  }
  return problems;
}

/** Every string Teams renders as Markdown in a card: TextBlock texts and FactSet titles and values, with paths. */
export function markdownTexts(card: AdaptiveCard): { path: string; value: string }[] {
  const out: { path: string; value: string }[] = [];
  for (const { node, path } of walk(card, "$")) {
    if (node.type === "TextBlock" && typeof node.text === "string")
      out.push({ path: `${path}.text`, value: node.text });
    if (node.type === "FactSet" && Array.isArray(node.facts)) {
      for (const [i, f] of node.facts.entries()) {
        if (!isRecord(f)) continue;
        for (const key of ["title", "value"] as const) {
          const v = f[key];
          if (typeof v === "string") out.push({ path: `${path}.facts[${i}].${key}`, value: v });
        }
      }
    }
  }
  return out;
}

/**
 * Where a card lets a string that is not ours act as Markdown (empty = fine): any `untrusted` string found verbatim
 * in a TextBlock or fact (so not escaped), and any Markdown link or image at all, as no card of ours has one.
 */
export function markdownProblems(card: AdaptiveCard, untrusted: string[] = []): string[] {
  const problems: string[] = [];
  for (const { path, value } of markdownTexts(card)) {
    if (/(^|[^\\])\]\(/.test(value)) problems.push(`${path}: an unescaped Markdown link in ${JSON.stringify(value)}`);
    for (const u of untrusted) {
      if (u && value.includes(u)) problems.push(`${path}: ${JSON.stringify(u)} is not escaped`);
    }
  }
  return problems;
}

/** The ids of every input of a card (for tests and for the server-side parse). */
export function inputIds(card: AdaptiveCard): string[] {
  const ids: string[] = [];
  for (const { node } of walk(card, "$")) {
    if (typeof node.type === "string" && node.type.startsWith("Input.") && typeof node.id === "string")
      ids.push(node.id);
  }
  return ids;
}
