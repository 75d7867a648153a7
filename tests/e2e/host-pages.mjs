// A server for practice pages that embed the widget: it serves dist/ (the widget's own files)
// plus the test's host pages and stylesheets, optionally under a strict Content-Security-Policy
// header, and logs every request with the host it was made to. The same server answers as
// 127.0.0.1 and as localhost, which browsers treat as two different sites.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DIST, TYPES, fileIn } from './harness.mjs';

/** The policy README.md recommends, as a response header. */
export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Serves `pages` (path -> text) and dist/. With `csp`, every response carries that policy.
 * `requests` lists `host path` for every request.
 */
export async function serveHostPages({ pages = {}, csp, frameAncestors } = {}) {
  const requests = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    requests.push(`${request.headers.host} ${url.pathname}`);
    const headers = { 'cache-control': 'no-store' };
    if (csp) headers['content-security-policy'] = csp + (frameAncestors ? `; frame-ancestors ${frameAncestors}` : '');
    if (pages[url.pathname] !== undefined) {
      headers['content-type'] = TYPES[extname(url.pathname)] ?? 'text/html; charset=utf-8';
      response.writeHead(200, headers);
      response.end(pages[url.pathname]);
      return;
    }
    let path = fileIn(DIST, url.pathname);
    if (path === null) {
      if (url.pathname !== '/' && url.pathname !== '/index.html') {
        response.writeHead(404, headers);
        response.end('not found');
        return;
      }
      path = join(DIST, 'index.html');
    }
    headers['content-type'] = TYPES[extname(path)] ?? 'application/octet-stream';
    response.writeHead(200, headers);
    response.end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    otherSiteUrl: `http://localhost:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Records every Content-Security-Policy violation the page (or its widgets) reports. */
export async function recordPolicyViolations(page) {
  await page.addInitScript(() => {
    window.__policyViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__policyViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
    });
  });
}

export function policyViolations(page) {
  return page.evaluate(() => window.__policyViolations);
}
