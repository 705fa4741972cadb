// A minimal tus 1.0 client over real HTTP for tests: create, PATCH (whole or cut off mid-body to simulate a
// lost connection), HEAD for the offset, and a helper that uploads a file in one go.
import { request } from 'node:http';

const TUS = { 'tus-resumable': '1.0.0' };

export const encodeMetadata = (meta: Record<string, string>) =>
  Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

export interface TusReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function send(url: string, init: RequestInit): Promise<TusReply> {
  const res = await fetch(url, init);
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

export function tusClient(base: string, auth: Record<string, string>) {
  const abs = (location: string) => new URL(location, base).toString();
  return {
    create: (size: number, meta: Record<string, string>) =>
      send(`${base}/api/v1/admin/uploads`, {
        method: 'POST',
        headers: { ...TUS, ...auth, 'upload-length': String(size), 'upload-metadata': encodeMetadata(meta) },
      }),
    patch: (location: string, offset: number, chunk: Buffer) =>
      send(abs(location), {
        method: 'PATCH',
        headers: {
          ...TUS,
          ...auth,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
        body: chunk,
      }),
    head: (location: string) => send(abs(location), { method: 'HEAD', headers: { ...TUS, ...auth } }),
    /** Announces the whole remainder, sends only `sent` bytes of it, then drops the connection. */
    interruptedPatch(location: string, offset: number, rest: Buffer, sent: number): Promise<void> {
      return new Promise((resolve) => {
        const req = request(abs(location), {
          method: 'PATCH',
          headers: {
            ...TUS,
            ...auth,
            'upload-offset': String(offset),
            'content-type': 'application/offset+octet-stream',
            'content-length': String(rest.length),
          },
        });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.write(rest.subarray(0, sent), () => {
          // Give the server a moment to write what arrived, then cut the line as a dying network would.
          setTimeout(() => req.destroy(), 300);
        });
      });
    },
  };
}

export type TusClient = ReturnType<typeof tusClient>;

/** Uploads a whole buffer; returns the final PATCH reply (Media-Id header on a video). */
export async function uploadAll(tus: TusClient, data: Buffer, meta: Record<string, string>): Promise<TusReply> {
  const created = await tus.create(data.length, meta);
  if (created.status !== 201) return created;
  if (data.length === 0) return created;
  return tus.patch(created.headers.location, 0, data);
}
