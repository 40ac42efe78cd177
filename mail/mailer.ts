import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  /** Every mail is multipart: the text part carries every link too. */
  text: string;
  html: string;
  /** `<id@domain>`; the same at every attempt of one mail, so receivers can drop a repeat. Default: a fresh one. */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * Sends through the SMTP server of `smtpUrl`; without one (local demo), each mail is written as an
 * .eml file under `mailDir` and its text part is printed, so links can be followed from the console.
 * `timeoutMs` bounds each step of the SMTP conversation (connecting, the greeting, any silence);
 * without it nodemailer's defaults apply (up to 10 minutes of silence).
 */
export function createMailer(options: { smtpUrl?: string; mailDir: string; timeoutMs?: number }): Mailer {
  if (options.smtpUrl) {
    const timeouts = options.timeoutMs === undefined ? {} : { connectionTimeout: options.timeoutMs, greetingTimeout: options.timeoutMs, socketTimeout: options.timeoutMs };
    const transport = nodemailer.createTransport({ url: options.smtpUrl, ...timeouts });
    return { send: async (mail) => { await transport.sendMail(mail); } };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(mail);
      await fs.mkdir(options.mailDir, { recursive: true });
      const file = path.join(options.mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[<>@]/g, '')}.eml`);
      await fs.writeFile(file, info.message as Buffer);
      console.log(`\n[mail] to ${mail.to} — ${mail.subject}\n${mail.text}\n[mail] saved as ${file}\n`);
    },
  };
}
