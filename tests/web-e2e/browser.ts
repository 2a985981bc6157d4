import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';
import { workspaceRoot } from '../support/workspace';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for URLs that stay on this machine (or never touch the network). */
export function isLocalUrl(url: string): boolean {
  const parsed = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  return LOCAL_HOSTS.has(parsed.hostname);
}

/**
 * Records what must never happen in the app: console errors, uncaught page errors, Content-Security-Policy
 * violations and any request (HTTP or WebSocket) leaving the machine. Requests to other hosts are also blocked.
 */
export class PageGuard {
  readonly problems: string[] = [];

  async watch(context: BrowserContext): Promise<void> {
    await context.route(
      (url) => !isLocalUrl(url.href),
      async (route) => {
        this.problems.push(`request left the machine: ${route.request().method()} ${route.request().url()}`);
        await route.abort('blockedbyclient');
      },
    );
    // Any Content-Security-Policy violation fails the test, whether or not the browser also logs it.
    await context.exposeBinding('reportCspViolation', (_source, violation: string) => {
      this.problems.push(`CSP violation: ${violation}`);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation;
        report(
          `${event.effectiveDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
        );
      });
    });
    context.on('page', (page) => this.watchPage(page));
    context.pages().forEach((page) => this.watchPage(page));
  }

  private watchPage(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('websocket', (socket) => {
      if (!isLocalUrl(socket.url().replace(/^ws/, 'http'))) {
        this.problems.push(`websocket left the machine: ${socket.url()}`);
      }
    });
  }

  /** Returns and forgets what was recorded since the last call. */
  take(): string[] {
    return this.problems.splice(0, this.problems.length);
  }
}

/** Screenshots of each step, under test-output/web-e2e/ (gitignored), or a folder of one suite's beside it. */
export class Screenshots {
  readonly dir: string;
  readonly saved: string[] = [];
  private count = 0;

  constructor(folder = 'web-e2e') {
    this.dir = join(workspaceRoot(), 'test-output', folder);
    // Only this run's pictures.
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  async take(page: Page, name: string): Promise<string> {
    this.count++;
    const file = join(this.dir, `${String(this.count).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.saved.push(relative(workspaceRoot(), file));
    return file;
  }
}
