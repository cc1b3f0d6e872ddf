// `ganforge config schema` and `ganforge config show`, through the real CLI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { validateConfig } from '../../src/gan/config';
import { jsonSchema } from '../../src/gan/config-schema';
import { resolveConfig } from '../../src/gan/resolve';
import { ganforge, tempDir } from '../helpers/fixtures';

/** A failure: the exit code and exactly one line on stderr matching `pattern`, nothing on stdout. */
function assertOneLine(result: ReturnType<typeof ganforge>, status: number, pattern: RegExp): void {
  assert.equal(result.status, status, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  assert.match(result.stderr.trimEnd(), pattern);
}

describe('ganforge config', () => {
  it('config show --recipe dcgan-mnist prints the resolved config as YAML, with the data-derived keys noted', () => {
    const shown = ganforge(['config', 'show', '--recipe', 'dcgan-mnist']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /^# .*imageShape and numClasses are filled in from the data/);
    assert.deepEqual(YAML.parse(shown.stdout), validateConfig(resolveConfig({ recipe: 'dcgan-mnist', flags: {} })));
    assert.match(shown.stdout, /^model: dcgan$/m);
    assert.match(shown.stdout, /^epochs: 5$/m);
  });

  it('config show --config FILE --model --json: flag spellings in the file, flags over it, as train resolves them', () => {
    const dir = tempDir('config-show');
    const file = path.join(dir, 'run.yaml');
    fs.writeFileSync(file, 'recipe: lsgan-mnist\nema: 0.99\nlr-g: 1e-3\nsteps: 7\n');
    const shown = ganforge(['config', 'show', '--config', file, '--model', 'mlp', '--dataset', 'fashion-mnist', '--json']);
    assert.equal(shown.status, 0, shown.stderr);
    const config = JSON.parse(shown.stdout);
    assert.deepEqual(
      [config.recipe, config.model, config.loss, config.emaDecay, config.lrG, config.steps, config.epochs, config.dataset],
      ['lsgan-mnist', 'mlp', 'lsgan', 0.99, 1e-3, 7, null, 'fashion-mnist'],
    );
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'beta1: 1\n');
    assertOneLine(ganforge(['config', 'show', '--config', path.join(dir, 'bad.yaml')]), 1, /^ganforge config: beta1 must be in \[0, 1\), got 1$/);
    fs.writeFileSync(path.join(dir, 'nope.json'), '{"recipe": "nope"}');
    assertOneLine(ganforge(['config', 'show', '--config', path.join(dir, 'nope.json')]), 1, /^ganforge config: unknown recipe 'nope'/);
  });

  it('config show --recipe nope, unknown actions and misplaced flags are one line with exit 2', () => {
    assertOneLine(ganforge(['config', 'show', '--recipe', 'nope']), 2, /--recipe: 'nope' is not one of default, /);
    assertOneLine(ganforge(['config', 'frob']), 2, /unknown config action 'frob' \(expected schema or show\)/);
    assertOneLine(ganforge(['config', 'show', '--out', 'x.json']), 2, /--out is for 'config schema', not 'config show'/);
  });

  it('config schema prints the schema, or writes it with --out', () => {
    const printed = ganforge(['config', 'schema']);
    assert.equal(printed.status, 0, printed.stderr);
    assert.deepEqual(JSON.parse(printed.stdout), jsonSchema());
    const out = path.join(tempDir('config-schema'), 'config.schema.json');
    const written = ganforge(['config', 'schema', '--out', out]);
    assert.equal(written.status, 0, written.stderr);
    assert.equal(fs.readFileSync(out, 'utf8'), printed.stdout);
    assert.match(written.stdout, /wrote the config schema to /);
  });
});
