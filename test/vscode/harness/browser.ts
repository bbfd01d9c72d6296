/**
 * Launches Debian's Chromium through playwright-core with a throwaway profile, and blocks and counts every
 * request whose host is not 127.0.0.1, so a test can assert that the workbench and the extension
 * stayed offline.
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './install';
import { dropTeardown, onTeardown } from './processes';

export const LOCAL_HOST = '127.0.0.1';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Second line of defence behind the request routing: anything that escapes it (a service worker's
  // fetch, for one) goes to a closed local port instead of the network. Loopback bypasses proxies.
  '--proxy-server=http://127.0.0.1:9',
];

export interface BrowserSession {
  /** URLs of requests to any host other than 127.0.0.1, each aborted before it left the browser. */
  blockedRequests: string[];
  /** Opens a page in a fresh browser context (its own storage), with the network guard in place. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

function isLocal(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return true;
    return parsed.hostname === LOCAL_HOST;
  } catch {
    return false;
  }
}

/**
 * Aborts and records every request of the context that is not for 127.0.0.1, and records every such
 * WebSocket, which the closed proxy port then stops. WebSockets are only observed, because
 * playwright's routeWebSocket wraps every WebSocket of the page in a script shim. With that shim, 2 of
 * 5 runs on a loaded machine stalled after a JSON parse error on the workbench's server connection.
 * Without it, 5 of 5 passed.
 */
async function guardNetwork(context: BrowserContext, page: Page, blockedRequests: string[]): Promise<void> {
  await context.route(
    (url) => !isLocal(url.href),
    async (route) => {
      blockedRequests.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  page.on('websocket', (webSocket) => {
    if (!isLocal(webSocket.url())) blockedRequests.push(webSocket.url());
  });
}

/** Starts Chromium headless with a throwaway profile; `viewport` sets the page size and so the screenshot size. */
export async function launchBrowser(viewport = { width: 1400, height: 900 }): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // Teardown is the harness's job, so that the server is stopped in the same pass.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });

  const blockedRequests: string[] = [];
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await guardNetwork(context, page, blockedRequests);
    return page;
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    dropTeardown(teardownId);
    await browser.close().catch(() => undefined);
  };
  const teardownId = onTeardown(close);

  return { blockedRequests, newPage, close };
}
