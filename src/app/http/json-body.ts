export const MAX_BODY_BYTES = 64 * 1024;

/** No request of ours needs these keys; refusing them at parse time closes prototype-pollution tricks. */
export function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new SyntaxError(`"${key}" is not allowed in a request body`);
  return value;
}
