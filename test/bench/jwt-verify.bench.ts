import { createSecretKey } from 'node:crypto';
import * as jwt from 'jsonwebtoken';

/** Microseconds per jsonwebtoken verify, with the secret as a string and as a prepared KeyObject. */
export function benchJwtVerify(iterations = 20_000): { stringSecretMicros: number; keyObjectMicros: number } {
  const secret = 'bench-secret-bench-secret-bench-secret-0123';
  const token = jwt.sign({ sid: 's', roles: ['user'] }, secret, { algorithm: 'HS256', subject: 'u', expiresIn: 900 });
  const key = createSecretKey(Buffer.from(secret));
  const time = (verifyWith: string | ReturnType<typeof createSecretKey>) => {
    for (let i = 0; i < 1000; i++) jwt.verify(token, verifyWith, { algorithms: ['HS256'] });
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) jwt.verify(token, verifyWith, { algorithms: ['HS256'] });
    return Number(process.hrtime.bigint() - start) / 1000 / iterations;
  };
  return { stringSecretMicros: time(secret), keyObjectMicros: time(key) };
}
