import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  return readdirSync(full).flatMap((name) => {
    const p = path.join(full, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'fixtures' ? [] : sourceFiles(path.join(dir, name));
    return /\.tsx?$/.test(name) ? [path.join(dir, name)] : [];
  });
}

/** Modules a file loads at run time: type-only imports are erased and do not count. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const onlyTypeSpecifiers =
        clause?.namedBindings && ts.isNamedImports(clause.namedBindings) && !clause.name && clause.namedBindings.elements.length > 0
          ? clause.namedBindings.elements.every((e) => e.isTypeOnly)
          : false;
      if (!onlyTypeSpecifiers) found.push(node.moduleSpecifier.text);
    }
    if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    }
    if (ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        found.push(node.arguments[0].text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every module a file names (type-only imports too: a type from another feature is still a dependency on it). */
function allImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative import as a path from the repository root ('renderer/features/logs/LogPanel'); undefined for a package. */
function resolved(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.posix.normalize(path.posix.join(path.dirname(file).split(path.sep).join('/'), specifier));
}

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('architecture', () => {
  it('only main/electron and preload load electron', () => {
    const offenders = ['main', 'shared', 'renderer', 'e2e', 'bench', 'test']
      .flatMap(sourceFiles)
      .filter((file) => !file.startsWith(path.join('main', 'electron') + path.sep))
      .filter((file) => runtimeImports(file).some((m) => m === 'electron' || m.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('shared and renderer load no Node module', () => {
    const offenders = ['shared', 'renderer']
      .flatMap(sourceFiles)
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap((file) =>
        runtimeImports(file)
          .filter((m) => NODE_BUILTINS.has(m))
          .map((m) => `${file} imports ${m}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the renderer reaches the host only through renderer/api', () => {
    const offenders = sourceFiles('renderer')
      .filter((file) => !file.startsWith(path.join('renderer', 'api') + path.sep))
      .flatMap((file) =>
        runtimeImports(file)
          .filter((m) => /shared\/rpc\/(client|server|memory)/.test(m) || m === 'ws')
          .map((m) => `${file} imports ${m}`),
      );
    expect(offenders).toEqual([]);
  });

  it('a renderer feature imports no other feature (shared pieces live in renderer/components, hooks, format, api or state)', () => {
    const offenders = sourceFiles(path.join('renderer', 'features')).flatMap((file) => {
      const feature = file.split(path.sep)[2];
      return allImports(file)
        .filter((m) => {
          const [top, features, other] = resolved(file, m)?.split('/') ?? [];
          return top === 'renderer' && features === 'features' && other !== undefined && other !== feature;
        })
        .map((m) => `${file} (feature ${feature}) imports ${m}: move what both need out of features/ (e.g. renderer/components/)`);
    });
    expect(offenders).toEqual([]);
  });

  it('services import no top-level main/ file (api.ts, host.ts, manager.ts, … compose services, not the other way round)', () => {
    const offenders = sourceFiles(path.join('main', 'services')).flatMap((file) =>
      allImports(file)
        .filter((m) => {
          const parts = resolved(file, m)?.split('/') ?? [];
          return parts.length === 2 && parts[0] === 'main';
        })
        .map((m) => `${file} imports ${m}: a service takes what it needs as a parameter or from another service, never from main/*.ts`),
    );
    expect(offenders).toEqual([]);
  });

  it('no stylesheet is over 400 lines (shared ones in renderer/styles/, the rest beside the component or feature that uses them)', () => {
    const sheets = (dir: string): string[] =>
      readdirSync(path.join(root, dir)).flatMap((name) => {
        const p = path.join(dir, name);
        if (statSync(path.join(root, p)).isDirectory()) return sheets(p);
        return name.endsWith('.css') ? [p] : [];
      });
    const offenders = sheets('renderer')
      .map((file) => ({ file, lines: readFileSync(path.join(root, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 400)
      .map(({ file, lines }) => `${file} has ${lines} lines: split it by component or concern`);
    expect(offenders).toEqual([]);
  });

  it('the import checks see a feature-to-feature and a service-to-main import', () => {
    // Guards the guards above, as for runtimeImports.
    expect(resolved(path.join('renderer', 'features', 'install', 'InstallPage.tsx'), '../logs/LogsPage')).toBe(
      'renderer/features/logs/LogsPage',
    );
    expect(resolved(path.join('main', 'services', 'paths.ts'), '../manager')).toBe('main/manager');
    expect(allImports(path.join('renderer', 'features', 'providers', 'status.ts'))).toContain('../../state/ui');
  });

  it('the checker itself sees a runtime electron import', () => {
    // Guards the guard: a regression in runtimeImports would make the tests above pass vacuously.
    expect(runtimeImports(path.join('main', 'electron', 'index.ts'))).toContain('electron');
  });
});
