import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { type Config, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { openServices, type ServiceOptions, type Services } from '../services.js';
import type { CliIo } from './io.js';

/** Config for a CLI run: `.env` in the working directory (if any) under the given environment, which wins. */
export function cliConfig(io: CliIo): Config {
  const fromFile = existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {};
  return loadConfig({ ...fromFile, ...io.env });
}

/** Opens the services for a CLI command; logs go to stderr so stdout stays clean for --json. */
export async function cliServices(io: CliIo, options: ServiceOptions = {}): Promise<Services> {
  const config = cliConfig(io);
  const log = createLogger(io.env.LOG_LEVEL ?? 'warn');
  return openServices(config, { log, ...options });
}
