import { parseArgs } from 'node:util';
import { UserFacingError } from '../errors.js';
import type { CliCommand, CliIo } from './io.js';

/**
 * One declaration per command: its flags (with defaults and help), its arguments and an example. Parsing and the
 * `--help` text both come from it, so they cannot drift apart. A command calls `parseCommand(spec, args)` first:
 * `--help` anywhere before `--` stops there, before any config is read or anything is started.
 */

interface FlagBase {
  help: string;
  short?: string;
}
export interface BooleanFlag extends FlagBase {
  type: 'boolean';
}
export interface StringFlag extends FlagBase {
  type: 'string';
  /** The placeholder in the help text: `--dump <file>`. */
  value?: string;
  default?: string;
  /** The default as the help shows it, when it is not a literal (`STYLUS_DEFAULT_BASE`). */
  defaultText?: string;
}
export interface IntFlag extends FlagBase {
  type: 'int';
  value?: string;
  min: number;
  max: number;
  default?: number;
  defaultText?: string;
}
export type FlagSpec = BooleanFlag | StringFlag | IntFlag;
export type Flags = Record<string, FlagSpec>;

type FlagValue<F> = F extends BooleanFlag
  ? boolean
  : F extends IntFlag
    ? F extends { default: number }
      ? number
      : number | undefined
    : F extends { default: string }
      ? string
      : string | undefined;
export type FlagValues<F extends Flags> = { -readonly [K in keyof F]: FlagValue<F[K]> };

export interface CommandSpec<F extends Flags = Flags> {
  /** The words a user types: `stylus compose`, `stylus eval judge`. */
  command: string;
  /** One line, shown in lists and at the top of the help. */
  summary: string;
  /** What follows the command in the usage line (`"<prompt>"`, `<folder>`); none: no positional arguments. */
  args?: string;
  /** How many positional arguments are accepted (default: any number when `args` is set). */
  positionals?: { min?: number; max?: number };
  flags: F;
  /** At least one, runnable as written. */
  examples: readonly string[];
  /** More lines for the help: settings it reads, where its files come from. */
  notes?: readonly string[];
}

/** Keeps the flags' literal types so `parseCommand` knows which values have defaults. */
export function defineCommand<const F extends Flags>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

/** `--help` was asked for: main prints the text on stdout and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

/**
 * A wrong command line: one line saying what is wrong (after the command's name), then, for an unknown flag or
 * command, the usage; exit status 2.
 */
export class UsageError extends UserFacingError {
  readonly command: string | undefined;
  readonly usage: string | undefined;

  constructor(message: string, where: { command?: string; usage?: string } = {}) {
    super(message, 'usage');
    this.name = 'UsageError';
    this.command = where.command;
    this.usage = where.usage;
  }
}

export function usageLine(spec: Pick<CommandSpec, 'command' | 'args' | 'flags'>): string {
  const options = Object.keys(spec.flags).length > 0 ? ' [options]' : '';
  return `Usage: ${spec.command}${spec.args ? ` ${spec.args}` : ''}${options}`;
}

/** The usage line and where the full help is. */
export function shortUsage(spec: Pick<CommandSpec, 'command' | 'args' | 'flags'>): string {
  return `${usageLine(spec)}\nRun "${spec.command} --help" for the options and an example.`;
}

function flagLabel(name: string, flag: FlagSpec): string {
  const short = flag.short ? `-${flag.short}, ` : '';
  const value = flag.type === 'boolean' ? '' : ` <${flag.value ?? (flag.type === 'int' ? 'n' : 'value')}>`;
  return `${short}--${name}${value}`;
}

function flagHelp(flag: FlagSpec): string {
  if (flag.type === 'boolean') return flag.help;
  const shown = flag.defaultText ?? (flag.default === undefined ? undefined : String(flag.default));
  const range = flag.type === 'int' ? `, ${flag.min} to ${flag.max}` : '';
  return `${flag.help}${range}${shown === undefined ? '' : `; default ${shown}`}`;
}

/** Help lines are kept to this width (a terminal, a README code block). */
const WIDTH = 100;

/** Splits text into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Two-column rows, the left padded to the widest, the right wrapped under itself. */
export function columns(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length)) + 2;
  const hanging = ' '.repeat(indent.length + width);
  return rows.flatMap(([left, right]) =>
    wrap(right, Math.max(40, WIDTH - hanging.length)).map((part, index) =>
      index === 0 ? `${indent}${left.padEnd(width)}${part}` : `${hanging}${part}`,
    ),
  );
}

export function helpText(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.flags).map(([name, flag]) => [
    flagLabel(name, flag),
    flagHelp(flag),
  ]);
  rows.push(['-h, --help', 'show this help']);
  return [
    usageLine(spec),
    '',
    ...wrap(spec.summary),
    ...(spec.notes?.length ? ['', ...spec.notes.flatMap((note) => wrap(note))] : []),
    '',
    'Options:',
    ...columns(rows),
    '',
    spec.examples.length > 1 ? 'Examples:' : 'Example:',
    ...spec.examples.map((example) => `  ${example}`),
  ].join('\n');
}

/** True when `--help` / `-h` comes before any `--` (after it, everything is an argument). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** node:util's messages are long and suggest `--`; one short sentence names the flag instead. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted ?? message}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument "${quoted ?? message}"`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /--[\w-]+/.exec(message)?.[0];
    return flag ? `${flag} ${/argument missing/.test(message) ? 'needs a value' : 'takes no value'}` : message;
  }
  return message;
}

/** Parses a whole-number flag, or fails naming it. */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  command?: string,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}").`, { command });
  }
  return parsed;
}

/** Parses a command line against its spec; throws HelpRequested or UsageError. */
export function parseCommand<F extends Flags>(
  spec: CommandSpec<F>,
  args: readonly string[],
): { values: FlagValues<F>; positionals: string[] } {
  if (asksForHelp(args)) throw new HelpRequested(helpText(spec));
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([name, flag]) => [
      name,
      {
        type: flag.type === 'boolean' ? ('boolean' as const) : ('string' as const),
        ...(flag.short ? { short: flag.short } : {}),
      },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: spec.args !== undefined, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error), { command: spec.command, usage: shortUsage(spec) });
  }
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    const raw = parsed.values[name];
    // A bad value is one line naming the flag (no usage: the flag was right, its value was not).
    if (flag.type === 'boolean') values[name] = raw === true;
    else if (flag.type === 'int') {
      values[name] =
        raw === undefined
          ? flag.default
          : intFlag(name, String(raw), flag.default ?? 0, flag.min, flag.max, spec.command);
    } else values[name] = raw === undefined ? flag.default : String(raw);
  }
  const positionals = parsed.positionals;
  const { min = 0, max = Number.POSITIVE_INFINITY } = spec.positionals ?? {};
  if (positionals.length < min) {
    throw new UsageError(`missing ${spec.args ?? 'arguments'}`, { command: spec.command, usage: shortUsage(spec) });
  }
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument "${positionals[max]}"`, {
      command: spec.command,
      usage: shortUsage(spec),
    });
  }
  return { values: values as FlagValues<F>, positionals };
}

/** A command with subcommands (`stylus eval <benchmark>`); each subcommand's module is loaded only when used. */
export interface CommandGroup {
  command: string;
  summary: string;
  /** What a subcommand is called in messages: "command", "benchmark", "source". */
  noun: string;
  subcommands: Record<string, { summary: string; load: () => Promise<CliCommand> }>;
  examples: readonly string[];
  notes?: readonly string[];
}

function groupUsage(group: CommandGroup): string {
  const names = Object.keys(group.subcommands).join('|');
  return `Usage: ${group.command} <${names}> [options]\nRun "${group.command} --help" for the list, "${group.command} <${group.noun}> --help" for its options.`;
}

export function groupHelp(group: CommandGroup): string {
  const rows = Object.entries(group.subcommands).map(([name, entry]) => [name, entry.summary] as const);
  return [
    `Usage: ${group.command} <${group.noun}> [options]`,
    '',
    ...wrap(group.summary),
    '',
    `${group.noun[0]?.toUpperCase()}${group.noun.slice(1)}s:`,
    ...columns(rows),
    '',
    `Run "${group.command} <${group.noun}> --help" for its options and an example.`,
    ...(group.notes?.length ? ['', ...group.notes.flatMap((note) => wrap(note))] : []),
    '',
    group.examples.length > 1 ? 'Examples:' : 'Example:',
    ...group.examples.map((example) => `  ${example}`),
  ].join('\n');
}

/** Runs the named subcommand; `--help` before a subcommand lists them, an unknown one is a usage error. */
export async function runGroup(group: CommandGroup, args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === '--help' || name === '-h' || name === 'help') throw new HelpRequested(groupHelp(group));
  if (name === undefined) {
    throw new UsageError(`which ${group.noun}? One of: ${Object.keys(group.subcommands).join(', ')}.`, {
      command: group.command,
      usage: groupUsage(group),
    });
  }
  const entry = Object.hasOwn(group.subcommands, name) ? group.subcommands[name] : undefined;
  if (!entry) {
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown ${group.noun} "${name}"`;
    throw new UsageError(what, { command: group.command, usage: groupUsage(group) });
  }
  return (await entry.load())(rest, io);
}
