import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps every message it receives, for tests to read. */
export interface MailCapture {
  url: string;
  messages: ParsedMail[];
  /** Waits for the next message to `to` (optionally with this subject) after the last one taken for `to`. */
  next(to: string, options?: { subject?: string; timeoutMs?: number }): Promise<ParsedMail>;
  close(): Promise<void>;
}

/**
 * What the server answers at the end of a message's DATA: accept it (the default), refuse it with an
 * SMTP reply (4xx: try later, 5xx: final), or say nothing at all (a server that hangs; the message
 * counts only if a later attempt is accepted).
 */
export type MailAnswer = 'accept' | 'stall' | { code: number; message: string };

export async function startMailCapture(options: { answer?: (mail: ParsedMail, envelopeTo: string[]) => MailAnswer } = {}): Promise<MailCapture> {
  const messages: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  const seen = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        const answer = options.answer?.(mail, session.envelope.rcptTo.map((r) => r.address.toLowerCase())) ?? 'accept';
        if (answer === 'stall') return;
        if (answer !== 'accept') return callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
        messages.push(mail);
        waiters.splice(0).forEach((wake) => wake());
        callback();
      }, callback);
    },
  });
  // A client that drops its connection (an IdP process stopped or killed mid-session) is the
  // client's business, as for a real mail server: without a listener smtp-server would throw it.
  server.on('error', (err) => console.warn(`[mail capture] ${err.message}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  const recipient = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value ?? []).map((v) => v.address?.toLowerCase());
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async next(to, { subject, timeoutMs = 10_000 } = {}) {
      const address = to.toLowerCase();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const from = seen.get(address) ?? 0;
        const index = messages.findIndex((m, i) => i >= from && recipient(m).includes(address) && (!subject || m.subject === subject));
        if (index >= 0) {
          seen.set(address, index + 1);
          return messages[index];
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first URL in a mail's text part that starts with `prefix`. */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const match = (mail.text ?? '').split(/\s+/).find((word) => word.startsWith(prefix));
  if (!match) throw new Error(`no ${prefix} link in mail "${mail.subject}"`);
  return match;
}
