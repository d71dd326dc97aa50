// npm run bench: every benchmark, one after the other in one process.
import { benchFilesystem } from './filesystem.ts';
import { benchHttp } from './http.ts';

await benchHttp();
console.log('');
await benchFilesystem();
process.exit(0);
