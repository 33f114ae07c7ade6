import { createHash, randomBytes } from 'node:crypto';

/** What a browser keeps for a login it starts (PKCE): a random verifier, and the challenge it sends to authorize. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
