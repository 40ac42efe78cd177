import net from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Connections handed to each backend so far, in the order the backends were given. */
  connections: number[];
  close(): Promise<void>;
}

/**
 * A TCP load balancer on loopback, as an operator would put in front of several IdP processes:
 * each new connection goes to the next backend in turn. It knows nothing of HTTP, so a client that
 * keeps its connection alive stays on one backend; clients that want every request spread must
 * open a new connection per request.
 */
export async function startRoundRobinProxy(backends: { host: string; port: number }[]): Promise<RoundRobinProxy> {
  const connections = backends.map(() => 0);
  const open = new Set<net.Socket>();
  let next = 0;
  const server = net.createServer((client) => {
    const index = next;
    next = (next + 1) % backends.length;
    connections[index] += 1;
    const upstream = net.connect(backends[index]);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // A reset on one side ends the other; errors are the peers' business, not the proxy's.
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () => new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
