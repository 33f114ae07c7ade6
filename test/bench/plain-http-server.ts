import { createServer } from 'node:http';
import { freePort } from '../support/global-setup';
import { reportToParent } from './child-stats';

/** The floor: the example module's public answer from plain node:http, no framework at all. */
async function serve(): Promise<void> {
  const port = await freePort();
  const body = JSON.stringify({ message: 'Hello, whoever you are.', userId: null });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  reportToParent(`http://127.0.0.1:${port}`, async () => void server.close());
}

void serve();
