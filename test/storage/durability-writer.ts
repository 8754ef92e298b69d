/**
 * Helper process for the durability tests: opens the store at argv[2] and creates keys
 * `${argv[3]}${i}` with value `durabilityValue(i)` as fast as it can, printing each key on stdout
 * once the store acknowledged it. The test SIGKILLs it mid-stream and checks every printed key.
 * (stdout to a pipe is synchronous on Linux, so a printed key was acknowledged first.)
 */
import { openStore } from '../../src/storage/index.js';
import { durabilityValue } from './durability-value.js';

const [url, prefix] = process.argv.slice(2);
if (!url || !prefix) throw new Error('usage: durability-writer URL PREFIX');
const store = await openStore(url);
for (let i = 0; ; i++) {
  const key = `${prefix}${i}`;
  await store.create(key, durabilityValue(i));
  process.stdout.write(`${key}\n`);
}
