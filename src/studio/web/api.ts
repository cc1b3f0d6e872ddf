// Talking to the studio: reads carry the cookie the server set; changes carry the token from the page's meta
// element as a header (the server also checks their Origin).
export interface ProcessState { running: boolean; pid: number | null; exitCode: number | null; signal: string | null; log: string[] }

export interface RunSummary {
  name: string; model: string | null; dataset: string | null; recipe: string | null;
  steps: number | null; epochs: number | null; step: number; last: Record<string, unknown> | null;
  fid: number | null; alarms: number; checkpoint: boolean; grids: number; problem: string | null; updated: number;
  process: ProcessState | null;
}

export interface RunDetail extends RunSummary {
  config: Record<string, unknown> | null;
  records: Record<string, unknown>[];
  gridFiles: string[];
}

const token = () => document.querySelector<HTMLMetaElement>('meta[name="studio-token"]')?.content ?? '';

async function answer<T>(res: Response): Promise<T> {
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${res.status}`);
  return body as T;
}

export async function getJson<T>(url: string): Promise<T> {
  return answer<T>(await fetch(url, { credentials: 'same-origin' }));
}

export async function postJson<T>(url: string, body: unknown = {}): Promise<T> {
  return answer<T>(await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-studio-token': token() },
    body: JSON.stringify(body),
  }));
}

export const runUrl = (name: string) => `/api/runs/${encodeURIComponent(name)}`;
export const gridUrl = (name: string, grid: string, version: number) => `${runUrl(name)}/grids/${encodeURIComponent(grid)}?v=${version}`;

/** An EventSource whose handlers get parsed JSON; closed when the view changes (see main.ts). */
export function listen(url: string, handlers: Record<string, (data: any) => void>): EventSource {
  const source = new EventSource(url);
  for (const [event, fn] of Object.entries(handlers)) source.addEventListener(event, (e) => fn(JSON.parse((e as MessageEvent).data)));
  return source;
}
