/**
 * A real SMTP server on 127.0.0.1 for tests (smtp-server, a dev dependency): no TLS, optional
 * authentication, keeps every message it accepts as raw bytes with its envelope.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
  readonly user?: string;
}

export interface SmtpSink {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Stops listening (the port is free again; `start` can take it again). */
  stop(): Promise<void>;
}

export interface SinkOptions {
  /** Port to listen on (0: any free port). */
  readonly port?: number;
  /** When set, AUTH is required and must match. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Reply to DATA with this error (e.g. a 451 or 550) instead of accepting. */
  readonly rejectData?: { readonly code: number; readonly message: string };
}

export async function startSmtpSink(o: SinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const options: SMTPServerOptions = {
    secure: false,
    disabledCommands: o.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !o.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (o.auth && auth.username === o.auth.user && auth.password === o.auth.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (o.rejectData) {
          cb(Object.assign(new Error(o.rejectData.message), { responseCode: o.rejectData.code }));
          return;
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        cb(null);
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      const addr = server.server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
  return {
    port,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
