import { AssertionError } from 'node:assert';
import { compareDocuments, dereferenceDocument, describeFinding } from '../../spec/drift.ts';
import { loadSpec } from '../../spec/load.ts';
import { useHarness } from '../harness/index.ts';

const { check } = useHarness();

const SHOWN = 40;

check('V2-DRIFT-001', "the site's OpenAPI document matches ours", async (t) => {
  // FirecREST v2 publishes its document beside its routes, without a token.
  const url = `${t.target.baseUrl}/openapi.json`;
  const response = await t.target.fetch(url);
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !type.includes('json'))
    throw new AssertionError({
      message: `[GET] ${url} -> ${response.status} ${type}: the site publishes no OpenAPI document there (a site that never will declares V2-DRIFT-001 skipped in its site profile)`,
    });
  let theirs;
  try {
    theirs = await dereferenceDocument(JSON.parse(text));
  } catch (error) {
    throw new Error(`GET ${url} gave a document that is no OpenAPI: ${(error as Error).message}`, { cause: error });
  }
  const findings = compareDocuments((await loadSpec('v2')).document, theirs);
  if (findings.length === 0) return;
  const lines = findings.map(describeFinding);
  const more = lines.length > SHOWN ? `\n... and ${lines.length - SHOWN} more` : '';
  throw new AssertionError({
    message: `${url}: ${findings.length} difference(s) from our spec:\n${lines.slice(0, SHOWN).join('\n')}${more}`,
  });
});
