/**
 * A minimal text/event-stream parser (the parts the API uses: `event:` and `data:` lines, blank-line separated
 * blocks). EventSource cannot POST a body or send headers, so the tab reads the fetch body itself.
 */

/** One server-sent event. */
export interface StreamEvent {
  event: string;
  data: string;
}

/** Feeds text chunks in any split; calls `onEvent` for each complete block. */
export function createEventStreamParser(onEvent: (e: StreamEvent) => void): {
  push(chunk: string): void;
  end(): void;
} {
  let buffer = "";
  // A CR at the end of a chunk may be the first half of a CRLF split across chunks: hold it until the next one.
  let heldCR = false;
  const emit = (block: string) => {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      // The spec strips one space after the colon.
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length > 0) onEvent({ event, data: data.join("\n") });
  };
  return {
    push(chunk) {
      let text = heldCR ? `\r${chunk}` : chunk;
      heldCR = text.endsWith("\r");
      if (heldCR) text = text.slice(0, -1);
      buffer += text.replace(/\r\n?/g, "\n");
      let end = buffer.indexOf("\n\n");
      while (end !== -1) {
        emit(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    },
    end() {
      if (heldCR) buffer += "\n";
      heldCR = false;
      if (buffer.trim() !== "") emit(buffer);
      buffer = "";
    },
  };
}
