import { describe, expect, it } from "vitest";
import { commandText, parseCommand } from "./commands.js";

const recipient = { id: "28:bot" };

describe("commands", () => {
  it("strips the bot's mention in channels", () => {
    const text = commandText({
      text: "<at>DR Bot</at> validate acme&nbsp;",
      mentions: [{ id: "28:bot", text: "<at>DR Bot</at>" }],
      recipient,
    });
    expect(text).toBe("validate acme");
    expect(parseCommand(text)).toEqual({ name: "validate", shortName: "acme" });
  });
  it("knows help, onboard, services; anything else is unknown", () => {
    expect(parseCommand("HELP")).toEqual({ name: "help" });
    expect(parseCommand("onboard")).toEqual({ name: "onboard" });
    expect(parseCommand("Services")).toEqual({ name: "services" });
    expect(parseCommand("validate")).toEqual({ name: "unknown", text: "validate" });
    expect(parseCommand("hello there")).toEqual({ name: "unknown", text: "hello there" });
  });
  it("reads invite <customer name> [e-mail]", () => {
    expect(parseCommand("invite Contoso Ltd admin@contoso.com")).toEqual({
      name: "invite",
      customerName: "Contoso Ltd",
      email: "admin@contoso.com",
    });
    expect(parseCommand("Invite Contoso")).toEqual({ name: "invite", customerName: "Contoso" });
    expect(parseCommand("invite admin@contoso.com")).toEqual({ name: "unknown", text: "invite admin@contoso.com" });
    expect(parseCommand("invite")).toEqual({ name: "unknown", text: "invite" });
  });
});
