// npm run bench: every benchmark, one after the other in one process.
import { benchFilesystem } from './filesystem.ts';
import { benchHttp } from './http.ts';
import { benchLimits } from './limits.ts';
import { benchStaging } from './staging.ts';

await benchHttp();
console.log('');
await benchFilesystem();
console.log('');
await benchStaging();
console.log('');
await benchLimits();
process.exit(0);
