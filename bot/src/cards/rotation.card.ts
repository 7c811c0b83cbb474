/**
 * The card of a finished secret rotation (docs/api.md, "Secret rotation"), scheduled or by hand: the secret was
 * rotated (the new secret's hint and expiry, whether the old one was removed, and any warning with its remedy), or
 * the rotation failed (what happened, what to do, and that the old secret is kept). Hints only, never a secret. A
 * certificate service's card names the certificate by its thumbprint (the service's, as the card goes out) and the
 * old one by its key id.
 * Sent through the reminder outbox and rebuilt from the service as it is when it goes out.
 */
import { adaptiveCard, execute, fact, maskedSecret, md, serviceStatusText, text, title } from "./card.elements.js";
import type { AdaptiveCard, CardAction } from "./card.types.js";
import type { ReminderService } from "./reminder.card.js";

/** What the card tells of the rotation (as the outbox stores it: no secret). */
export interface RotationSummary {
  outcome: "rotated" | "failed";
  trigger: "manual" | "scheduled";
  actor: string;
  oldSecretHint: string;
  oldKeyId?: string;
  newSecretHint?: string;
  newKeyId?: string;
  newSecretExpiresAt?: string;
  oldSecretRemoved?: boolean;
  code?: string;
  message?: string;
  remedy?: string;
  warnings?: { code: string; message: string; remedy: string }[];
}

/** Input of {@link rotationCard}. */
export interface RotationCardInput {
  service: ReminderService;
  rotation: RotationSummary;
}

/** Who rotated, in words. */
function byWhom(rotation: RotationSummary): string {
  return rotation.trigger === "scheduled" ? "the schedule (before expiry)" : md(rotation.actor);
}

/** The facts naming the new and the old credential: a secret by its hint, a certificate by thumbprint and key id. */
function credentialFacts(service: ReminderService, rotation: RotationSummary) {
  const removed = rotation.oldSecretRemoved ? "removed" : "still on the app";
  if (service.certificateThumbprint !== undefined) {
    return [
      fact("New certificate", `thumbprint ${service.certificateThumbprint}`),
      ...(rotation.newSecretExpiresAt ? [fact("Expires", rotation.newSecretExpiresAt.slice(0, 10))] : []),
      fact("Old certificate", `${rotation.oldKeyId ? `key ID ${rotation.oldKeyId} ` : ""}${removed}`),
    ];
  }
  return [
    fact("New secret", maskedSecret(rotation.newSecretHint ?? service.secretHint)),
    ...(rotation.newSecretExpiresAt ? [fact("Expires", rotation.newSecretExpiresAt.slice(0, 10))] : []),
    fact("Old secret", `${maskedSecret(rotation.oldSecretHint)} ${removed}`),
  ];
}

/** Builds the rotation card. */
export function rotationCard(input: RotationCardInput): AdaptiveCard {
  const { service, rotation } = input;
  const name = md(service.shortName);
  const certificate = service.certificateThumbprint !== undefined;
  const noun = certificate ? "certificate" : "client secret";
  const status = text(
    `${md(service.customerName)} · ${serviceStatusText(service.status, service.certificateThumbprint !== undefined)}`,
    {
      isSubtle: true,
    },
  );
  const validate = execute("Validate now", "service.validate", { serviceId: service.id });
  if (rotation.outcome === "rotated") {
    const warnings = rotation.warnings ?? [];
    return adaptiveCard(
      [
        title(`🔄 The ${noun} of ${name} was rotated`),
        status,
        {
          type: "FactSet",
          facts: [...credentialFacts(service, rotation), { title: "Rotated by", value: byWhom(rotation) }],
        },
        ...warnings.flatMap((w) => [
          text(`⚠️ ${md(w.message)}`, { color: "Warning" }),
          text(md(w.remedy), { isSubtle: true }),
        ]),
        text(
          `The new ${certificate ? "certificate" : "secret"} was validated before it replaced the old one. Nothing needs doing.`,
          {
            isSubtle: true,
          },
        ),
      ],
      [validate],
    );
  }
  const actions: CardAction[] = [validate];
  // Trying again helps unless the app may not rotate itself at all.
  if (rotation.code !== "rotation_not_permitted") {
    actions.push(execute("Rotate secret now", "service.rotateSecret", { serviceId: service.id }));
  }
  actions.push(execute("Replace secret", "service.replaceSecret.open", { serviceId: service.id }));
  return adaptiveCard(
    [
      title(`❌ Rotating the ${noun} of ${name} failed`),
      status,
      ...(rotation.message ? [text(md(rotation.message), { color: "Attention" })] : []),
      ...(rotation.remedy ? [text(`What to do: ${md(rotation.remedy)}`)] : []),
      {
        type: "FactSet",
        facts: [
          certificate
            ? fact("Certificate", `thumbprint ${service.certificateThumbprint} kept, still works`)
            : fact("Client secret", `${maskedSecret(rotation.oldSecretHint)} kept, still works`),
          ...(service.secretExpiresAt ? [fact("Expires", service.secretExpiresAt.slice(0, 10))] : []),
          { title: "Rotation by", value: byWhom(rotation) },
        ],
      },
    ],
    actions,
  );
}
