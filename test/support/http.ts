export interface JsonAnswer {
  status: number;
  body: Record<string, any>;
}

/** POSTs a JSON body with fetch, as a client of a separately started process does, and reads the JSON answer. */
export async function postJson(url: string, body: object, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}
