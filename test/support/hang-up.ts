import { connect } from 'node:net';

/**
 * Sends one HTTP request over a raw socket and closes the connection as soon
 * as the request has left, without waiting for any answer: a client that hangs
 * up. Resolves once the socket is closed.
 */
export function sendAndHangUp(baseUrl: string, method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  const payload = body === undefined ? '' : JSON.stringify(body);
  const head = [
    `${method} ${path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    ...(body === undefined ? [] : ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`]),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head + payload, () => socket.destroy()));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}
