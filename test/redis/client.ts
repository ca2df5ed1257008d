/** node-redis clients set up the way the README recommends for the shared tier. */
import { createClient } from 'redis';

export async function connectedClient(port: number) {
  const client = createClient({
    socket: {
      host: '127.0.0.1',
      port,
      connectTimeout: 500,
      // Keep trying, quickly: tests restart the server and expect sharing to resume.
      reconnectStrategy: (retries: number) => Math.min(50 + retries * 50, 500),
    },
    // Fail commands at once while disconnected, instead of queueing them.
    disableOfflineQueue: true,
  });
  client.on('error', () => {}); // reconnect noise; the tier counts what matters
  await client.connect();
  return client;
}

/** A client for a server that is not running: connect() would keep retrying, so it is not awaited. */
export function disconnectedClient(port: number) {
  const client = createClient({
    socket: { host: '127.0.0.1', port, connectTimeout: 200, reconnectStrategy: () => 200 },
    disableOfflineQueue: true,
  });
  client.on('error', () => {});
  client.connect().catch(() => {});
  return client;
}
