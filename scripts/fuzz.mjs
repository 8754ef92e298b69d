#!/usr/bin/env node
// `npm run fuzz -- --requests N [--seed S] [--address HOST:PORT --kubeconfig FILE]`: builds, then
// runs the hostile-input generator (test/fuzz/main.ts) against a fresh `skiff up` (or the given
// server). Prints a summary and, last, one `RESULT {json}` line; exits 1 if an invariant broke.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
const r = spawnSync(process.execPath, ['--enable-source-maps', path.join(root, 'dist', 'test', 'fuzz', 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
