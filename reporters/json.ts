import type { ReportWriter } from './registry.ts';

/** results.json: the whole run record, as the other reports read it. */
export const jsonReport: ReportWriter = {
  kind: 'json',
  write(report, out) {
    out.writeFile('results.json', `${JSON.stringify(report, null, 2)}\n`);
    return ['results.json'];
  },
};
