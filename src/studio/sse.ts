// Server-sent events: a long response of `event: NAME\ndata: JSON\n\n` blocks. The reply is hijacked from
// Fastify (which would otherwise end it), so headers that hooks would add are written here.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  send(event: string, data: unknown): void;
  onClose(fn: () => void): void;
}

export function openEventStream(req: FastifyRequest, reply: FastifyReply, headers: Record<string, string>): EventStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write(': ganforge studio\n\n');
  // A comment every 15 s keeps proxies and idle timers from closing a quiet stream.
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const closers: (() => void)[] = [() => clearInterval(keepAlive)];
  req.raw.on('close', () => closers.splice(0).forEach((fn) => fn()));
  return {
    // JSON has no raw newlines, so one data line per event.
    send: (event, data) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose: (fn) => closers.push(fn),
  };
}
