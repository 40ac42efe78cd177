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
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * Sends through the SMTP server of `smtpUrl`; without one (local demo), each mail is written as an
 * .eml file under `mailDir` and its text part is printed, so links can be followed from the console.
 */
export function createMailer(options: { smtpUrl?: string; mailDir: string }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
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
