/**
 * The invitation token of the page's address `/invite/{token}`. Anything else (no token, a deeper path, a value
 * that cannot be decoded) has no token: the page then shows the neutral "not valid" page without asking the API.
 */

/** Longest token accepted from the address (the API's tokens are far shorter). */
const MAX_TOKEN_LENGTH = 256;

/** The token of a path such as `/invite/abc`, or undefined. */
export function tokenFromPath(pathname: string): string | undefined {
  const match = /^\/invite\/([^/]+)\/?$/.exec(pathname);
  if (!match?.[1]) return undefined;
  let token: string;
  try {
    token = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  if (token.trim() === "" || token.length > MAX_TOKEN_LENGTH || /[\s/]/.test(token)) return undefined;
  return token;
}
