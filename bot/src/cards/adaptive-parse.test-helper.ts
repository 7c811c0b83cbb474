/**
 * Test-only: parses a card with Microsoft's own Adaptive Cards library (the `adaptivecards` npm package, the
 * renderer Teams' web client is built on) at schema version 1.5, and lists what it refuses. Used by the card tests
 * beside the project's own Teams rules (card-rules.ts).
 *
 * - `import "adaptivecards"` fails on Node (its `lib/` is ESM with extension-less imports, microsoft/AdaptiveCards
 *   issue 9155), so the UMD build in `dist/` is loaded with `require`; the types come from `lib/`.
 * - Parsing and validation need no DOM (only `render()` does), so no DOM library is loaded.
 * - The library only reports unknown element and action types, not unknown properties; so the card is also
 *   serialised back (`toJSON`) and every property of ours that the 1.5 object model dropped is reported.
 *
 * Not part of the bot: loaded lazily, so that a build which includes this file runs none of it.
 */
import { createRequire } from "node:module";
import type * as AC from "adaptivecards";

let library: typeof AC | undefined;

function load(): typeof AC {
  library ??= createRequire(import.meta.url)("adaptivecards/dist/adaptivecards.js") as typeof AC;
  return library;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Values of 1.5 properties that the library leaves out when it serialises, because they equal the default
 * (`value: ""`, `isRequired: false`, ...): a property of ours with such a value is still a known property.
 */
const DEFAULT_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  value: [""],
  isRequired: [false],
  wrap: [false],
  separator: [false],
  isSubtle: [false],
  spacing: ["Default"],
  style: ["default"],
};

/**
 * Paths of every property in `sent` that `kept` (the library's serialisation) does not have. `$schema` is an
 * editor's pointer, not part of the object model. `fallback` is a 1.2+ property that the library reads only when
 * the primary type is unknown and never keeps: its content is parsed on its own instead, as an action or element.
 */
function droppedProperties(sent: unknown, kept: unknown, path: string, out: string[]): void {
  if (Array.isArray(sent)) {
    const keptArray = Array.isArray(kept) ? kept : [];
    if (sent.length !== keptArray.length) out.push(`${path}: ${sent.length} items sent, ${keptArray.length} kept`);
    for (const [i, item] of sent.entries()) droppedProperties(item, keptArray[i], `${path}[${i}]`, out);
    return;
  }
  if (!isRecord(sent)) return;
  const keptRecord = isRecord(kept) ? kept : {};
  for (const [key, value] of Object.entries(sent)) {
    if (key in keptRecord) {
      droppedProperties(value, keptRecord[key], `${path}.${key}`, out);
    } else if (key === "fallback" && isRecord(value)) {
      const isAction = typeof value.type === "string" && value.type.startsWith("Action.");
      // An empty body is left out on serialisation: the wrapper of an action has one TextBlock.
      const wrapper = isAction
        ? { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "fallback" }], actions: [value] }
        : { type: "AdaptiveCard", version: "1.5", body: [value] };
      for (const problem of adaptiveCardsProblems(wrapper)) out.push(`${path}.fallback: ${problem}`);
    } else if (key === "fallback" && value === "drop") {
      // The spec's other fallback value.
    } else if (key !== "$schema" && !DEFAULT_VALUES[key]?.includes(value)) {
      out.push(`${path}.${key}: not a property of this object in Adaptive Cards 1.5 (${JSON.stringify(value)})`);
    }
  }
}

/**
 * What Microsoft's parser refuses in a card at version 1.5, as sentences (empty = fine): every parse event
 * (unknown element or action type, invalid property value, unsupported version, ...), every validation event
 * (duplicate id, required input without label or error message, too many actions, ...), and every property the
 * object model does not know.
 */
export function adaptiveCardsProblems(card: unknown): string[] {
  const ac = load();
  const problems: string[] = [];
  const describe = (e: AC.IValidationEvent) =>
    `${ac.ValidationPhase[e.phase]}: ${ac.ValidationEvent[e.event]}: ${e.message}`;
  const parsed = new ac.AdaptiveCard();
  const context = new ac.SerializationContext(ac.Versions.v1_5);
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(describe(context.getEventAt(i)));
  for (const event of parsed.validateProperties().validationEvents) problems.push(describe(event));
  const outContext = new ac.SerializationContext(ac.Versions.v1_5);
  const kept = parsed.toJSON(outContext);
  for (let i = 0; i < outContext.eventCount; i++) problems.push(describe(outContext.getEventAt(i)));
  droppedProperties(card, kept, "$", problems);
  return problems;
}
