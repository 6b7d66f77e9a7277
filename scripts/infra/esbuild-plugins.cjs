// esbuild plugins for serverless-esbuild. `import text from 'some/file?raw'` inlines a file as a
// string, the same convention Vite (and so the tests under vitest) understands.
const { readFile } = require('node:fs/promises');

module.exports = [
  {
    name: 'raw-text',
    setup(build) {
      build.onResolve({ filter: /\?raw$/ }, async (args) => {
        const resolved = await build.resolve(args.path.slice(0, -'?raw'.length), {
          kind: args.kind,
          resolveDir: args.resolveDir,
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: resolved.path, namespace: 'raw-text' };
      });
      build.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => ({
        contents: await readFile(args.path, 'utf8'),
        loader: 'text',
      }));
    },
  },
];
