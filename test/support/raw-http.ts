import { connect, Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection driven byte by byte: the test decides what is sent
 * and when (part of a body, a request line no client library would write),
 * and sees what the server answers and whether it hangs up.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private readonly changed = new Set<() => void>();
  /** The server closed the connection (or reset it). */
  closed = false;

  private constructor(private readonly socket: Socket) {
    const notify = () => this.changed.forEach((wake) => wake());
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      notify();
    });
    socket.on('close', () => {
      this.closed = true;
      notify();
    });
    socket.on('error', () => undefined);
  }

  static open(baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes unless the server has hung up; true when written. */
  send(data: string | Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false;
    this.socket.write(data);
    return true;
  }

  /** Waits until `done` holds, failing after `withinMs` with `what` (the test's expectation, not a speed limit). */
  private until(done: () => boolean, withinMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${what} (received so far: ${JSON.stringify(this.received.toString('latin1').slice(0, 300))})`));
      }, withinMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changed.delete(check);
      };
      this.changed.add(check);
    });
  }

  /** The first answer, complete (by its Content-Length, or by the server closing). */
  async answer(withinMs = 10_000): Promise<RawAnswer> {
    await this.until(() => this.closed || this.parse() !== undefined, withinMs, 'no answer came');
    const answer = this.parse() ?? this.parse(true);
    if (!answer) throw new Error(`the server hung up without an answer: ${JSON.stringify(this.received.toString('latin1'))}`);
    return answer;
  }

  /** Waits for the server to hang up. */
  hangUp(withinMs: number): Promise<void> {
    return this.until(() => this.closed, withinMs, 'the server kept the connection open');
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(untilClosed = false): RawAnswer | undefined {
    const text = this.received.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const body = this.received.subarray(end + 4);
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    if (length === undefined ? !untilClosed : body.length < length) return undefined;
    return { status: Number(statusLine.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8') };
  }
}
