import { describe, expect, it } from "vitest";
import { createEventStreamParser, type StreamEvent } from "./event-stream.parser";

/** Feeds the chunks, ends the stream and returns the events. */
function parse(...chunks: string[]): StreamEvent[] {
  const events: StreamEvent[] = [];
  const parser = createEventStreamParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

const stream = 'event: check\ndata: {"id":"format"}\n\nevent: report\ndata: {"ok":true}\n\n';
const expected = [
  { event: "check", data: '{"id":"format"}' },
  { event: "report", data: '{"ok":true}' },
];

describe("createEventStreamParser", () => {
  it("reads the blocks the API writes", () => {
    expect(parse(stream)).toEqual(expected);
  });

  it("gives the same events however the text is split into chunks, with LF or CRLF line ends", () => {
    for (const text of [stream, stream.replace(/\n/g, "\r\n")]) {
      for (let size = 1; size <= text.length; size++) {
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
        expect(parse(...chunks), `chunks of ${size}`).toEqual(expected);
      }
    }
  });

  it("calls back for each block as soon as its blank line arrives", () => {
    const events: StreamEvent[] = [];
    const parser = createEventStreamParser((e) => events.push(e));
    parser.push("event: check\ndata: 1\n");
    expect(events).toEqual([]);
    parser.push("\nevent: check\ndata: 2");
    expect(events).toEqual([{ event: "check", data: "1" }]);
  });

  it("accepts CRLF and CR line ends, also a CRLF split between two chunks", () => {
    expect(parse(stream.replace(/\n/g, "\r\n"))).toEqual(expected);
    expect(parse(stream.replace(/\n/g, "\r"))).toEqual(expected);
    expect(parse("event: check\r", "\ndata: 1\r", "\n\r", "\n")).toEqual([{ event: "check", data: "1" }]);
  });

  it("joins several data lines with a line feed", () => {
    expect(parse("data: a\ndata: b\n\n")).toEqual([{ event: "message", data: "a\nb" }]);
  });

  it("names an event without an event line `message`", () => {
    expect(parse("data: x\n\n")).toEqual([{ event: "message", data: "x" }]);
  });

  it("strips one space after the colon, not more", () => {
    expect(parse("data:x\n\n", "data:  y\n\n")).toEqual([
      { event: "message", data: "x" },
      { event: "message", data: " y" },
    ]);
  });

  it("ignores comments, unknown fields and blocks without data", () => {
    expect(parse(": keep-alive\n\nid: 7\nretry: 100\n\nevent: check\n\nevent: report\ndata: r\n\n")).toEqual([
      { event: "report", data: "r" },
    ]);
  });

  it("keeps colons inside the value", () => {
    expect(parse('data: {"a":"b:c"}\n\n')).toEqual([{ event: "message", data: '{"a":"b:c"}' }]);
  });

  it("delivers a last block the stream ended without its blank line, and nothing for trailing whitespace", () => {
    expect(parse("event: report\ndata: r")).toEqual([{ event: "report", data: "r" }]);
    expect(parse(stream, "\n")).toEqual(expected);
  });
});
