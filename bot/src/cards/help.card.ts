/** The help card: the commands the bot understands, with buttons for the two most used. */
import { adaptiveCard, execute, text, title } from "./card.elements.js";
import type { AdaptiveCard } from "./card.types.js";

/** Builds the help card; `intro` is shown first (e.g. "I did not understand that."). */
export function helpCard(intro?: string): AdaptiveCard {
  return adaptiveCard(
    [
      ...(intro ? [text(intro, { weight: "Bolder" })] : []),
      title("Direct Routing onboarding"),
      {
        type: "FactSet",
        facts: [
          { title: "onboard", value: "Onboard a customer's Direct Routing service (credentials validated on the way)" },
          { title: "services", value: "List services, those needing attention first" },
          { title: "validate <short name>", value: "Run Validate Authentication for one service" },
          {
            title: "invite <customer> <e-mail>",
            value: "Invite the customer's admin to enter their App registration (the link comes to our personal chat)",
          },
          { title: "help", value: "Show this card" },
        ],
      },
    ],
    [execute("Onboard a service", "onboard.start", {}), execute("List services", "services.list", {})],
  );
}
