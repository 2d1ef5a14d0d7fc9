// Loopback servers for the test services: listen on 127.0.0.1 only, on a given or a free port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** A port free right now (for programs that take a port number rather than a server). */
export async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}
