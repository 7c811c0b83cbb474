/**
 * The bot's sealer (secretSealer) binds a dialog's secret with the associated data the key rotation re-wraps it
 * under (botDialogAad, secrets/associated-data.ts, used by storage/sealed-envelopes.repository.ts): if the two
 * drifted apart, a rotation would leave every sealed dialog unreadable.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RotationError } from "../errors.js";
import { botDialogAad } from "../secrets/associated-data.js";
import { createLocalSecretStore } from "../secrets/local-secret-store.js";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import { secretSealer, toPortFailure } from "./bot.wiring.js";

describe("the bot's secret sealer", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "dr-sealer-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("seals a dialog's secret under the associated data the key rotation uses (botDialogAad)", async () => {
    const store = await createLocalSecretStore({ keyBase64: randomBytes(32).toString("base64"), dataDir });
    const sealer = secretSealer(store);
    const sealed = sealer.seal("Qx8~dialog.secret", "d-1");
    expect(store.open(sealed as SealedSecret, botDialogAad("d-1"))).toBe("Qx8~dialog.secret");
    expect(sealer.open(store.seal("Qx8~dialog.secret", botDialogAad("d-2")), "d-2")).toBe("Qx8~dialog.secret");
    // Bound to its dialog: another dialog's id does not open it.
    expect(() => sealer.open(sealed, "d-2")).toThrow();
  });
});

describe("the API's refusals as the bot's port failures", () => {
  it("keeps a rotation refusal's code and remedy, so the rotation card can say what to do", () => {
    const failure = toPortFailure(
      new RotationError("rotation_not_permitted", "The app may not change its own secret.", "Run registration again."),
    );
    expect(failure).toEqual({
      ok: false,
      kind: "rotation_not_permitted",
      message: "The app may not change its own secret.",
      problems: [],
      remedy: "Run registration again.",
    });
  });
});
