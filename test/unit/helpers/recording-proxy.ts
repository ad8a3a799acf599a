// A loopback forwarder that records what a client sends (method, path, chosen headers) and
// passes every request and answer through unchanged, streams and dropped connections included.
// It lets a test see the requests the product makes to the real sandbox without touching either.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
}

export interface RecordingProxy {
  url: string;
  seen: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string, recordHeaders: readonly string[]): Promise<RecordingProxy> {
  const upstreamUrl = new URL(target);
  const seen: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: Object.fromEntries(recordHeaders.map((h) => [h, req.headers[h]?.toString()])),
    });
    const upstream = httpRequest(
      new URL(req.url ?? '/', upstreamUrl),
      { method: req.method, headers: { ...req.headers, host: upstreamUrl.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // A connection the server drops is dropped for the client too, as it would be directly.
        answer.on('close', () => {
          if (!answer.complete) res.destroy();
        });
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
