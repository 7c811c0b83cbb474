/** Reading loosely typed card data (Action.Execute data and inputs arrive as JSON of any shape). */

/** A card value as text: strings as they are, numbers written out, anything else empty. */
export const textOf = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

/** Input.Number arrives as a string in Teams (or a number elsewhere); anything else goes to the schema as is. */
export function numberInput(value: unknown): unknown {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return value === "" || value === undefined ? undefined : value;
}
