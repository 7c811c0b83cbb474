import { describe, expect, it } from "vitest";
import { adaptiveCard, execute } from "./card.elements.js";
import { inputIds, teamsCardProblems } from "./card-rules.js";

describe("teamsCardProblems", () => {
  it("accepts a minimal card", () => {
    expect(teamsCardProblems(adaptiveCard([{ type: "TextBlock", text: "hi" }]))).toEqual([]);
  });
  it("refuses wrong version, an unknown action, a verb-less Execute, duplicate inputs and a secret", () => {
    const card = {
      ...adaptiveCard(
        [
          { type: "Input.Text", id: "a" },
          { type: "Container", items: [{ type: "Input.Text", id: "a" }] },
          { type: "ActionSet", actions: [{ type: "Action.Http", title: "x" }] },
        ],
        [{ type: "Action.Execute", title: "Go", data: { s: "hunter2-secret" } }],
      ),
      version: "1.6",
    };
    const problems = teamsCardProblems(card as never, ["hunter2-secret"]);
    expect(problems.join("\n")).toMatch(/version/);
    expect(problems.join("\n")).toMatch(/Action.Http is not allowed/);
    expect(problems.join("\n")).toMatch(/without a verb/);
    expect(problems.join("\n")).toMatch(/input id "a"/);
    expect(problems.join("\n")).toMatch(/secret/);
  });
  it("checks the Action.Submit fallback of an Execute too", () => {
    const action = execute("Go", "go", {});
    expect(action.fallback).toMatchObject({ type: "Action.Submit", data: { verb: "go" } });
    expect(teamsCardProblems(adaptiveCard([], [action]))).toEqual([]);
    expect(inputIds(adaptiveCard([{ type: "Input.Number", id: "n" }]))).toEqual(["n"]);
  });
});
