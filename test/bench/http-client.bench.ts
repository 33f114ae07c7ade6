import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

export interface HttpClientFigures {
  fetchMicros: number;
  undiciRequestMicros: number;
}

/**
 * CPU per call (client and a trivial local server together) of the two ways
 * to ask WeChat: fetch with an AbortSignal timeout, as hand-written code (and
 * the bare baseline) does, and undici's request API on a kept-alive Agent
 * with its own timeouts, as the WeChat client does.
 */
export async function benchHttpClients(calls = 4000): Promise<HttpClientFigures> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('{"openid":"o","session_key":"k"}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns/jscode2session?appid=a&js_code=c`;
  const agent = new Agent({ headersTimeout: 5000, bodyTimeout: 5000 });
  const viaFetch = async () => (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  const viaRequest = async () => (await request(url, { dispatcher: agent })).body.text();
  const cpuPerCall = async (call: () => Promise<string>) => {
    for (let i = 0; i < 500; i++) await call();
    const before = process.cpuUsage();
    for (let done = 0; done < calls; done += 10) await Promise.all(Array.from({ length: 10 }, call));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / calls;
  };
  try {
    return { fetchMicros: await cpuPerCall(viaFetch), undiciRequestMicros: await cpuPerCall(viaRequest) };
  } finally {
    server.close();
    await agent.close();
  }
}
