/**
 * Keeps secrets out of everything the validator returns or logs: a deep pass that replaces every known secret
 * value and strips fields that can carry one.
 */

/** Field names whose values are never shown (request bodies, tokens, credentials). */
const SENSITIVE_KEYS =
  /^(client_?secret|clientsecret|access_?token|authorization|password|assertion|client_?assertion|client_?certificate|private_?key|pem|pfx|body)$/i;

/** Replaces each secret occurring in a string. Secrets shorter than 4 characters are not searched (too common). */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/** Returns a copy of `value` with secrets replaced in every string and sensitive fields removed. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  // The secrets searched for, chosen once per call rather than for every string (every validation's report is walked).
  const searched = secrets.filter((secret) => secret.length >= 4);
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") return searched.length === 0 ? v : redactText(v, searched);
    if (depth > 20 || v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (SENSITIVE_KEYS.test(key)) continue;
      out[key] = walk((v as Record<string, unknown>)[key], depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}
