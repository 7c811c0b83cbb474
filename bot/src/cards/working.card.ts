/**
 * The card shown while Microsoft is being asked (a validation, a Create): the invoke must be answered within Teams'
 * timeout (docs/teams.md section 5), so the bot answers with this card at once and replaces the message with the
 * result when the work ends. It names what is running and, in the wizard, offers Cancel.
 */
import { adaptiveCard, fact, md, text, title } from "./card.elements.js";
import type { AdaptiveCard, CardAction } from "./card.types.js";

/** What is running. */
export type WorkKind = "validating" | "creating" | "replacing" | "rotating";

const HEADLINES: Record<WorkKind, string> = {
  validating: "⏳ Validating the credentials…",
  creating: "⏳ Creating the service…",
  replacing: "⏳ Replacing the secret…",
  rotating: "⏳ Rotating the secret…",
};

/** Input of {@link workingCard}. */
export interface WorkingCardInput {
  kind: WorkKind;
  /** The service's short name or the tenant, shown under the headline (not ours: escaped). */
  subject?: string;
  /** Facts about what is being checked (titles are ours; values are escaped). */
  facts?: [string, string][];
  /** Cancel in the wizard. */
  actions?: CardAction[];
}

/** Builds the working card. */
export function workingCard(input: WorkingCardInput): AdaptiveCard {
  return adaptiveCard(
    [
      title(HEADLINES[input.kind]),
      ...(input.subject ? [text(md(input.subject), { isSubtle: true })] : []),
      ...(input.facts && input.facts.length > 0
        ? [{ type: "FactSet", facts: input.facts.map(([name, value]) => fact(name, value)) }]
        : []),
      text(
        "Microsoft can take a few seconds to answer. This message changes to the result by itself when the checks end.",
        { isSubtle: true },
      ),
    ],
    input.actions ?? [],
  );
}
