import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { saveSessionBeforeRedirect } from '../../portal/http/save-before-redirect.js';

/**
 * A portal redirect reaches the browser only once the session it changed is stored: otherwise the
 * browser's next request (the page the redirect names) could read the session as it was — a login
 * missing, a notice lost. The store here is slow on purpose; express-session alone answers first.
 */
class SlowStore extends session.MemoryStore {
  savedAt: number[] = [];
  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    setTimeout(() => super.set(sid, data, (err) => { this.savedAt.push(Date.now()); callback?.(err); }), 300);
  }
}

async function answerTimes(withGuard: boolean): Promise<{ headersAt: number; savedAt: number[]; anonymousSaved: number }> {
  const store = new SlowStore();
  const app = express();
  app.use(session({ secret: 'x'.repeat(32), store, resave: false, saveUninitialized: false }));
  if (withGuard) app.use(saveSessionBeforeRedirect);
  app.get('/done', (req, res) => { req.session.csrf = 'notice'; res.redirect(303, '/next'); });
  app.get('/stranger', (_req, res) => { res.redirect(303, '/login'); });
  const server = await new Promise<http.Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const headersAt = await new Promise<number>((resolve, reject) => {
      http.get(`${url}/done`, (res) => { resolve(Date.now()); res.resume(); }).on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 400));
    const before = store.savedAt.length;
    await fetch(`${url}/stranger`, { redirect: 'manual' });
    await new Promise((r) => setTimeout(r, 400));
    return { headersAt, savedAt: store.savedAt.slice(0, before), anonymousSaved: store.savedAt.length - before };
  } finally {
    server.close();
  }
}

test('without the guard, express-session sends the redirect before the session is stored (the race)', async () => {
  const { headersAt, savedAt } = await answerTimes(false);
  expect(headersAt).toBeLessThan(savedAt[0]);
});

test('with the guard, the redirect leaves after the session is stored; an anonymous redirect stores nothing', async () => {
  const { headersAt, savedAt, anonymousSaved } = await answerTimes(true);
  expect(savedAt.length).toBeGreaterThanOrEqual(1);
  expect(headersAt).toBeGreaterThanOrEqual(savedAt[0]);
  expect(anonymousSaved).toBe(0);
});
