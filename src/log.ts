import pino, { type Logger } from 'pino';

/** Paths whose values never reach a log line, whatever a caller passes in. */
const REDACTED_PATHS = [
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'config.DISCORD_TOKEN',
  'config.OPENAI_API_KEY',
  'config.CIVITAI_TOKEN',
  'config.HF_TOKEN',
  'config.QDRANT_API_KEY',
  'DISCORD_TOKEN',
  'OPENAI_API_KEY',
  'CIVITAI_TOKEN',
  'HF_TOKEN',
  'QDRANT_API_KEY',
];

export type { Logger };

export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { app: 'stylus' } },
    destination ?? pino.destination(2),
  );
}

/** A logger that writes nothing: for tests and library callers that do not care. */
export const silentLogger: Logger = pino({ level: 'silent' });
