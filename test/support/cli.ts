import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';

/** Runs the `stylus` CLI in-process with captured output and the given environment. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  const code = await main(args, { stdout, stderr, env: { LOG_LEVEL: 'silent', ...env } });
  return { code, stdout: out, stderr: err };
}
