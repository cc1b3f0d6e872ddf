// Who may talk to the studio: whoever holds the per-launch token (printed in the URL at start), from a page
// the studio served itself. Every request needs the token, as a cookie (set when the URL with ?token= is
// opened) or the X-Studio-Token header; every state-changing request needs the header (which a cross-site
// form or image cannot send) and an Origin naming this server. The Host header must name this server too,
// so a foreign name pointed at 127.0.0.1 (DNS rebinding) is refused before anything else.
import * as crypto from 'crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const TOKEN_HEADER = 'x-studio-token';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function sameToken(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given), b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface Gate {
  token: string;
  /** The cookie's name carries the port: cookies are shared between ports of one host. */
  cookieName(): string;
  /** host:port values this server answers to (filled in once it listens). */
  allowedHosts(): Set<string>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function refuse(reply: FastifyReply, status: number, error: string) {
  return reply.code(status).type('application/json').send({ error });
}

/** The onRequest hook: refuses before routing, body parsing or any file access. */
export function checkRequest(gate: Gate) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const host = req.headers.host ?? '';
    if (!gate.allowedHosts().has(host.toLowerCase())) return refuse(reply, 421, 'this studio does not answer to that Host');
    const url = new URL(req.url, 'http://studio.invalid');
    // The page itself may be opened with ?token=… (the printed URL); it then sets the cookie.
    const queryToken = req.method === 'GET' && url.pathname === '/' ? url.searchParams.get('token') : null;
    const given = req.headers[TOKEN_HEADER] ?? cookieValue(req.headers.cookie, gate.cookieName()) ?? queryToken;
    if (!sameToken(given, gate.token)) return refuse(reply, 401, 'open the URL ganforge studio printed (it carries the token)');
    if (SAFE_METHODS.has(req.method)) return;
    if (!sameToken(req.headers[TOKEN_HEADER], gate.token)) return refuse(reply, 403, `a change needs the ${TOKEN_HEADER} header`);
    const origin = req.headers.origin;
    if (origin !== `http://${host}`) return refuse(reply, 403, 'a change must come from the studio\'s own page (Origin)');
  };
}
