import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Folders under src/ that a file imports from, by relative path. */
function importedFolders(file: string): string[] {
  const specifiers = [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) => match[1]);
  return specifiers.map((specifier) => relative(SRC, resolve(dirname(file), specifier)).split('/')[0]);
}

describe('dependencies run one way', () => {
  it.each([
    ['wechat-auth', ['wechat-auth']],
    ['admin', ['admin', 'wechat-auth']],
    ['notes', ['notes', 'wechat-auth']],
  ])('src/%s imports nothing but %j', (folder, allowed) => {
    const strays = sourceFiles(join(SRC, folder)).flatMap((file) =>
      importedFolders(file)
        .filter((target) => !allowed.includes(target))
        .map((target) => `${relative(SRC, file)} → ${target}`),
    );
    expect(strays).toEqual([]);
  });

  it('lets the example module use the module only through its public API (src/wechat-auth/index.ts)', () => {
    const deepImports = sourceFiles(join(SRC, 'notes')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)]
        .map((match) => relative(SRC, resolve(dirname(file), match[1])))
        .filter((target) => target.startsWith('wechat-auth/'))
        .map((target) => `${relative(SRC, file)} → ${target}`),
    );
    expect(deepImports).toEqual([]);
  });
});
