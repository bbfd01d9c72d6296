// Bundles the extension and the CLI with esbuild. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify: !watch,
  logLevel: 'warning',
};

/**
 * @kubernetes/client-node is several megabytes even minified. The extension and CLI bundles refer to
 * it as ./kube-client.js, a separate bundle, so parsing it is paid on the first cluster call only.
 */
const kubeClientAsSeparateBundle = {
  name: 'kube-client-as-separate-bundle',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './kube-client.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [kubeClientAsSeparateBundle] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', plugins: [kubeClientAsSeparateBundle] },
  { ...common, entryPoints: ['src/cluster/kube-client-bundle.ts'], outfile: 'dist/kube-client.js' },
];

if (existsSync('webview/main.ts')) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify: !watch,
    sourcemap: 'linked',
    logLevel: 'warning',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
  });
}

if (existsSync('webview/main.css')) {
  mkdirSync('dist/webview', { recursive: true });
  copyFileSync('webview/main.css', 'dist/webview/main.css');
}

const present = builds.filter((build) => build.entryPoints.every((entry) => existsSync(entry)));
if (watch) {
  for (const build of present) {
    const context = await esbuild.context(build);
    await context.watch();
  }
} else {
  await Promise.all(present.map((build) => esbuild.build(build)));
}
