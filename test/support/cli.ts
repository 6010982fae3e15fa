import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `stylus` CLI in-process with captured output and the given environment. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
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

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Runs `stylus` as a user does: its own process, on the real stdout and stderr, as bin/stylus.mjs runs it (the
 * TypeScript sources through tsx, so no build is needed). `closeStdout` closes the reading end at once, as
 * `stylus ... | head -0` does. The working directory is an empty folder unless given, so no `.env` is read.
 */
export function runStylusProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; closeStdout?: boolean } = {},
): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      '--input-type=module',
      '-e',
      `import { runAsProcess } from ${JSON.stringify(path.join(ROOT, 'src/cli.ts'))}; await runAsProcess(process.argv.slice(1));`,
      '--',
      ...args,
    ],
    {
      cwd: options.cwd ?? tmpdir(),
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
