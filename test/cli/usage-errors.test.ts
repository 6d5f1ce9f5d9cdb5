import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command, Option } from 'commander';
import { buildProgram, collect, runProgram, type CliDefinition, type CliHost, type CliIo } from '../../src/cli/cli-support';
import { CLI_NAMES, lookupCli } from '../../src/cli/registry';
import { ROOT_DIR } from '../../src/platform/paths';

/**
 * Every commander usage error of every command-line tool exits 64 and runs nothing; --help exits 0. The
 * command tree is walked, so a new command or option is covered as soon as it exists.
 */

function memoryIo(): CliIo & { text(): string } {
  let text = '';
  return {
    text: () => text,
    write: (s) => void (text += s),
    err: (s) => void (text += s),
    cwd: ROOT_DIR,
    env: () => undefined,
    readStdin: async () => undefined,
    progress: () => ({ tick() {}, stop() {} }),
  };
}

/** A host that records being asked: a usage error must never reach the database. */
function recordingHost(): CliHost & { calls: number } {
  const host = {
    calls: 0,
    async execute() {
      host.calls++;
      return 0;
    },
  };
  return host;
}

interface Leaf {
  path: string[];
  command: Command;
}

function leaves(command: Command, prefix: string[] = []): Leaf[] {
  const subs = command.commands.filter((c) => c.name() !== 'help');
  if (!subs.length) return [{ path: prefix, command }];
  return subs.flatMap((c) => leaves(c, [...prefix, c.name()]));
}

function groups(command: Command, prefix: string[] = []): string[][] {
  const subs = command.commands.filter((c) => c.name() !== 'help');
  if (!subs.length) return [];
  return [prefix, ...subs.flatMap((c) => groups(c, [...prefix, c.name()]))];
}

const tree = (definition: CliDefinition) => buildProgram(definition, memoryIo(), recordingHost()).program;
const valueOptions = (c: Command) => (c.options as Option[]).filter((o) => o.required && o.long && o.long !== '--help');

/** A value an option accepts: the first of a few samples its parser takes. */
function sampleValue(o: Option): string {
  if (o.argChoices) return o.argChoices[0]!;
  for (const candidate of ['x', '1', '2026-11-01', 'all']) {
    try {
      o.parseArg?.(candidate, undefined);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(`no sample value for ${o.flags}`);
}

/** Every required option with a value it accepts, except `except`. */
function requiredOptions(leaf: Leaf, except?: string): string[] {
  return (leaf.command.options as Option[]).filter((o) => o.mandatory && o.long !== except).flatMap((o) => [o.long!, sampleValue(o)]);
}

/** A call with every required option and argument, so that only the mistake under test remains. */
function completeArgs(leaf: Leaf, except?: string): string[] {
  const args = leaf.command.registeredArguments.filter((a) => a.required).map((a) => a.argChoices?.[0] ?? 'x');
  return [...leaf.path, ...args, ...requiredOptions(leaf, except)];
}

async function run(definition: CliDefinition, argv: string[]) {
  const io = memoryIo();
  const host = recordingHost();
  const code = await runProgram(definition, argv, io, host);
  return { code, output: io.text(), calls: host.calls };
}

describe('cli: usage errors of every command-line tool (exit 64, nothing run)', () => {
  it('knows every tool: each src/cli/*.cli.ts file is in the registry', () => {
    const files = fs.readdirSync(path.join(ROOT_DIR, 'src', 'cli')).filter((f) => f.endsWith('.cli.ts'));
    expect(files).to.have.length(CLI_NAMES.length);
    expect(CLI_NAMES.sort()).to.deep.equal(['badges', 'dashboard', 'db:migrate', 'lrs', 'platform', 'privacy', 'secrets', 'seed', 'xapi']);
  });

  for (const name of CLI_NAMES) {
    describe(`npm run ${name}`, () => {
      const definition = lookupCli(name)!;

      it('answers --help with exit 0 for the tool and each of its commands, running nothing', async () => {
        for (const argv of [['--help'], ...leaves(tree(definition)).filter((l) => l.path.length).map((l) => [...l.path, '--help'])]) {
          const r = await run(definition, argv);
          expect(r.code, argv.join(' ')).to.equal(0);
          expect(r.output, argv.join(' ')).to.contain('Usage:').and.to.contain('Exit codes:');
          expect(r.calls).to.equal(0);
        }
      });

      it('refuses an unknown option on every command (64)', async () => {
        for (const leaf of leaves(tree(definition))) {
          const r = await run(definition, [...completeArgs(leaf), '--no-such-option']);
          expect(r.code, leaf.path.join(' ')).to.equal(64);
          expect(r.output).to.contain("unknown option '--no-such-option'");
          expect(r.calls).to.equal(0);
        }
      });

      it('refuses an unknown command where commands are expected (64)', async () => {
        for (const prefix of groups(tree(definition))) {
          const r = await run(definition, [...prefix, 'no-such-command']);
          expect(r.code, prefix.join(' ')).to.equal(64);
          expect(r.calls).to.equal(0);
        }
      });

      it('refuses a command group given no command (64, with its usage)', async () => {
        for (const prefix of groups(tree(definition)).filter((p) => p.length)) {
          const r = await run(definition, prefix);
          expect(r.code, prefix.join(' ')).to.equal(64);
          expect(r.output).to.contain('Usage:');
          expect(r.calls).to.equal(0);
        }
      });

      it('refuses each missing required option and argument (64)', async () => {
        for (const leaf of leaves(tree(definition))) {
          for (const o of (leaf.command.options as Option[]).filter((x) => x.mandatory)) {
            const r = await run(definition, completeArgs(leaf, o.long));
            expect(r.code, `${leaf.path.join(' ')} without ${o.long}`).to.equal(64);
            expect(r.output).to.contain(`required option '${o.flags}' not specified`);
            expect(r.calls).to.equal(0);
          }
          const required = leaf.command.registeredArguments.filter((a) => a.required);
          if (required.length) {
            const r = await run(definition, [...leaf.path, ...requiredOptions(leaf)]);
            expect(r.code, `${leaf.path.join(' ')} without its argument`).to.equal(64);
            expect(r.output).to.contain('missing required argument');
            expect(r.calls).to.equal(0);
          }
        }
      });

      it('refuses an option given without its value (64)', async () => {
        for (const leaf of leaves(tree(definition))) {
          for (const o of valueOptions(leaf.command)) {
            const r = await run(definition, [...completeArgs(leaf, o.long), o.long!]);
            expect(r.code, `${leaf.path.join(' ')} ${o.long}`).to.equal(64);
            expect(r.output).to.contain('argument missing');
            expect(r.calls).to.equal(0);
          }
        }
      });

      it('refuses a bad value of every checked option and argument (64, saying what is expected)', async () => {
        for (const leaf of leaves(tree(definition))) {
          // Free repeatable values (--verb, --deployment) are checked by the service, every problem at once.
          for (const o of (leaf.command.options as Option[]).filter((x) => x.parseArg && x.parseArg !== collect && x.required)) {
            const r = await run(definition, [...completeArgs(leaf, o.long), o.long!, 'not-valid-%%']);
            expect(r.code, `${leaf.path.join(' ')} ${o.long}`).to.equal(64);
            expect(r.output).to.contain(`argument 'not-valid-%%' is invalid`).and.to.match(/expected/);
            expect(r.calls).to.equal(0);
          }
          for (const a of leaf.command.registeredArguments.filter((x) => x.argChoices)) {
            const r = await run(definition, [...leaf.path, 'not-valid-%%', ...requiredOptions(leaf)]);
            expect(r.code, `${leaf.path.join(' ')} <${a.name()}>`).to.equal(64);
            expect(r.output).to.contain('Allowed choices are');
            expect(r.calls).to.equal(0);
          }
        }
      });

      it('refuses an argument too many (64)', async () => {
        for (const leaf of leaves(tree(definition))) {
          const r = await run(definition, [...completeArgs(leaf), 'one-too-many', 'and-another']);
          expect(r.code, leaf.path.join(' ')).to.equal(64);
          expect(r.calls).to.equal(0);
        }
      });
    });
  }

  it('runs the command when the arguments are right (the walk builds valid calls)', async () => {
    const r = await run(lookupCli('lrs')!, ['credentials', 'create', '--name', 'x', '--scope', 'all']);
    expect(r).to.include({ code: 0, calls: 1 });
  });
});

describe('cli: exit codes reach the shell (real processes)', function () {
  this.timeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-cli-usage-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const files: Record<string, string> = { badges: 'badges', 'db:migrate': 'migrate', dashboard: 'dashboard', lrs: 'lrs', platform: 'platform', privacy: 'privacy', secrets: 'secrets', seed: 'seed', xapi: 'xapi' };

  const exec = (file: string, args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', `${file}.cli.ts`), ...args], {
        cwd: ROOT_DIR,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'development' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });

  it('exits 0 on --help and 64 on an unknown option, for every tool, without creating a database', async () => {
    for (const name of CLI_NAMES) {
      const [help, bad] = await Promise.all([exec(files[name]!, ['--help']), exec(files[name]!, ['--no-such-option'])]);
      expect(help.code, `${name} --help\n${help.out}`).to.equal(0);
      expect(bad.code, `${name} --no-such-option\n${bad.out}`).to.equal(64);
      expect(bad.out).to.contain("unknown option '--no-such-option'");
    }
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).to.equal(false);
  });
});
